/** Where a search found its words: a short passage of a message, the words marked (not by colour alone: <mark> is announced). */
export type PassagePiece = { text: string; matched: boolean }

export function Passage({ pieces }: { pieces: readonly PassagePiece[] | null }) {
  if (!pieces?.length) return null
  return (
    <p className="mt-1 max-w-prose text-sm break-words text-slate-700">
      <span className="sr-only">Found in a message: </span>
      <span aria-hidden="true">… </span>
      {pieces.map((piece, i) =>
        piece.matched ? (
          <mark key={i} className="rounded bg-amber-100 px-0.5 font-semibold text-slate-900">
            {piece.text}
          </mark>
        ) : (
          <span key={i}>{piece.text}</span>
        ),
      )}
      <span aria-hidden="true"> …</span>
    </p>
  )
}

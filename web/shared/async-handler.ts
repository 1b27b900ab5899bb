import type { NextFunction, Request, RequestHandler, Response } from 'express'

/**
 * An async Express handler whose failure reaches the error handlers: Express 4
 * ignores the promise a handler returns, so a rejection would otherwise be lost.
 */
export function asyncHandler(handle: (req: Request, res: Response, next: NextFunction) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handle(req, res, next).catch(next)
  }
}

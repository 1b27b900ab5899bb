/**
 * The organisation's departments over HTTP, so an integration can file a
 * ticket with the right one (`department` on ticket creation, by slug or id)
 * or move it (`POST /tickets/{number}/department`). Read only: admins keep
 * departments in Settings.
 */
import { departments } from '../../services/departments.server.ts'
import { defineRoute } from './route.ts'
import { DepartmentListSchema } from './schemas.ts'

const listDepartmentsRoute = defineRoute({
  method: 'get',
  path: '/departments',
  operationId: 'listDepartments',
  tag: 'Departments',
  summary: 'List the organisation’s departments',
  description:
    'Every department, active ones first. A ticket created without `department` goes to the one marked `isDefault`; archived ones take no tickets.',
  responses: { 200: { description: 'The organisation’s departments.', schema: DepartmentListSchema } },
  errors: {},
  async handle(ctx) {
    const rows = await departments(ctx.db, ctx.principal.orgId)
    return {
      status: 200,
      body: { departments: rows.map((d) => ({ id: d.id, slug: d.slug, name: d.name, archived: d.archived, isDefault: d.isDefault })) },
    }
  },
})

export const departmentRoutes = [listDepartmentsRoute]

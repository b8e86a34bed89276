import { Category, PutCategoryRequest } from '@liandong/contracts';
import { z } from 'zod';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { getCategory, listCategories, putCategory } from './catalog.service.ts';

const CodeParams = z.object({ code: z.string().regex(/^[0-9]{2,16}$/, 'a category code is 2–16 digits') });
const ListQuery = z.object({
  family: z.enum(['event', 'component']).optional(),
  active: z.enum(['true', 'false', '1', '0']).optional(),
});

/** Category catalogue (分类): flat list with parentCode, so clients build the 大类/小类 tree. */
export function registerCatalogRoutes(app: Api, deps: AppDeps): void {
  app.get(
    '/categories',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List categories (major and minor, with parentCode)',
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(Category) }) },
      },
      preHandler: authenticate({ apiKeyScopes: ['events:read'] }),
    },
    async (req) => ({
      items: await listCategories(deps, { family: req.query.family, activeOnly: req.query.active === 'true' || req.query.active === '1' }),
    }),
  );

  app.get(
    '/categories/:code',
    {
      schema: { tags: ['catalog'], summary: 'One category', params: CodeParams, response: { 200: Category } },
      preHandler: authenticate({ apiKeyScopes: ['events:read'] }),
    },
    async (req) => getCategory(deps, req.params.code),
  );

  app.put(
    '/categories/:code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Create or update a category (admin)',
        params: CodeParams,
        body: PutCategoryRequest,
        response: { 200: Category, 201: Category },
      },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req, reply) => {
      const { category, created } = await putCategory(deps, principalOf(req), req.params.code, req.body, { ip: req.ip });
      return reply.code(created ? 201 : 200).send(category);
    },
  );
}

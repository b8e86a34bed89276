import { CreateEventResponse } from '@liandong/contracts';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { remindByPlate } from './reminders.service.ts';

const PlateReminderRequest = z.object({
  plate: z.string().trim().min(1).max(16),
  location: z.object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), address: z.string().max(200).optional() }),
  note: z.string().max(500).optional(),
});

export function registerReminderRoutes(app: Api, deps: AppDeps): void {
  app.post(
    '/vehicles/reminders',
    {
      schema: {
        tags: ['vehicles'],
        summary: 'An officer uploads a plate: the owner is reminded by SMS, then enforcement follows if the car stays (201 new, 200 already open)',
        description:
          'An API key bound to a unit reminds only inside that unit (and is not shown an open case of the plate elsewhere): 422 `OUTSIDE_KEY_SCOPE`.',
        body: PlateReminderRequest,
        response: { 201: CreateEventResponse, 200: CreateEventResponse },
      },
      preHandler: authenticate({ roles: ['officer', 'grid_worker', 'admin'], apiKeyScopes: ['alarms:write'] }),
    },
    async (req, reply) => {
      const { status, body } = await remindByPlate(deps, principalOf(req), req.body);
      return reply.code(status).send(body);
    },
  );
}

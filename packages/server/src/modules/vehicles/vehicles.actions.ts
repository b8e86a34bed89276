import { BUILTIN_ACTIONS } from '../../engine/definitions/action-registry.ts';
import type { ActionRegistration } from '../../engine/runtime/action-types.ts';
import type { StepContext } from '../../engine/runtime/step-context.ts';
import { rawQuery } from '../../db/raw-sql.ts';

type Owner = { name: string; phone: string | null };

/**
 * The registered owner of the event's plate, read once per step (kept in the step's scratch,
 * never in the process's variables: the owner's name and phone are personal data that stay in
 * the registry; only `ownerFound` is stored).
 */
async function vehicleOwner(ctx: StepContext): Promise<Owner | null> {
  if (ctx.scratch.has('owner')) return ctx.scratch.get('owner') as Owner | null;
  const plate = ctx.current.plate;
  const [row] = plate
    ? await rawQuery<{ owner_name: string; owner_phone: string | null }>(ctx.trx, 'select "owner_name", "owner_phone" from "vehicles" where "plate" = ?', [
        plate,
      ])
    : [];
  const owner = row ? { name: row.owner_name, phone: row.owner_phone } : null;
  ctx.scratch.set('owner', owner);
  return owner;
}

/**
 * What the vehicles module adds to the process engine: the `lookup_vehicle_owner` action
 * (plate → owner from the registry; sets vars.ownerFound) and the SMS recipient `owner` of
 * send_sms. The timeline records only whether an owner was found, never who.
 */
export const VEHICLE_ACTIONS: ActionRegistration = {
  actions: {
    lookup_vehicle_owner: {
      ...BUILTIN_ACTIONS.lookup_vehicle_owner!,
      async run(ctx, _token, node) {
        const owner = await vehicleOwner(ctx);
        ctx.setVar('ownerFound', owner !== null);
        ctx.log('vehicle.looked_up', { nodeId: node.id, plate: ctx.current.plate, found: owner !== null });
        return 'done';
      },
    },
  },
  smsRecipients: {
    owner: async (ctx) => {
      const owner = await vehicleOwner(ctx);
      return owner?.phone ? [{ phone: owner.phone, userId: null }] : [];
    },
  },
};

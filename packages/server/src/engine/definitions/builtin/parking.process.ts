import type { ProcessDefinitionInput } from '@liandong/contracts';
import { t } from './text.ts';

/**
 * 先提醒后处罚: the owner gets an SMS and a grace period; the car leaving (signal vehicle.gone)
 * closes the event as self-corrected, the grace period running out sends it to the enforcement
 * station of the place. An unknown owner (or a failed SMS) goes straight to enforcement.
 * Only the reporting officer, the enforcement officers of the place and cameras with
 * `signals:write` may say the car is gone.
 */
export const PARKING_PROCESS: ProcessDefinitionInput = {
  key: 'parking',
  name: t('违停先提醒后处罚', 'Parking: remind, then enforce'),
  description: t('短信提醒车主，宽限期内驶离即结案，否则派执法中队', 'SMS the owner; gone within the grace period closes it, else enforcement'),
  start: 'lookup_owner',
  nodes: [
    {
      id: 'lookup_owner',
      kind: 'action',
      title: t('查询车主', 'Look up the owner'),
      action: 'lookup_vehicle_owner',
      next: 'owner_known',
      onError: 'enforce',
    },
    {
      id: 'owner_known',
      kind: 'decision',
      title: t('车主是否已知', 'Owner known?'),
      branches: [{ when: { field: 'vars.ownerFound', op: 'eq', value: true }, next: 'remind', title: t('已知', 'Known') }],
      default: 'enforce',
    },
    {
      id: 'remind',
      kind: 'action',
      title: t('短信提醒挪车', 'SMS reminder'),
      action: 'send_sms',
      params: { template: 'parking.reminder', to: 'owner' },
      next: 'grace',
      onError: 'enforce',
    },
    {
      id: 'grace',
      kind: 'wait',
      title: t('宽限期', 'Grace period'),
      timer: { duration: { minutes: 5, kind: 'natural' }, next: 'enforce' },
      signal: {
        name: 'vehicle.gone',
        next: 'self_corrected',
        // The officer who uploaded the plate, the enforcement officers serving the place, and
        // cameras (API keys with signals:write); nobody else closes a parking case as self-corrected.
        senders: [{ kind: 'reporter' }, { kind: 'role', role: 'officer', unit: { department: 'enforcement' } }, { kind: 'apiKey', scope: 'signals:write' }],
      },
    },
    {
      id: 'enforce',
      kind: 'task',
      title: t('执法处置', 'Enforcement'),
      assignee: { role: 'officer', unit: { department: 'enforcement' } },
      eventStatus: 'dispatched',
      timeLimit: { from: 'category' },
      overdueActions: ['urge', 'escalate'],
      outcomes: [{ key: 'handled', title: t('已处置', 'Handled'), next: 'closed' }],
      allow: { transfer: true },
    },
    { id: 'self_corrected', kind: 'end', title: t('自行纠正', 'Self-corrected'), closingKind: 'self_corrected' },
    { id: 'closed', kind: 'end', title: t('执法结案', 'Closed by enforcement'), closingKind: 'normal' },
  ],
};

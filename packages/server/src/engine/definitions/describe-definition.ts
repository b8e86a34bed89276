import {
  processTransitions,
  type AssigneeUnit,
  type Condition,
  type Duration,
  type NodeKind,
  type ProcessDefinition,
  type ProcessNode,
  type Role,
  type SignalSender,
} from '@liandong/contracts';

export type Lang = 'zh' | 'en';

/** One step of a process in words, for the web UI's summary beside the diagram. */
export interface DescribedStep {
  id: string;
  kind: NodeKind;
  title: string;
  detail: string;
}

type Words = Record<Lang, string>;

const KIND: Record<NodeKind, Words> = {
  task: { zh: '任务', en: 'Task' },
  action: { zh: '自动步骤', en: 'Automatic step' },
  wait: { zh: '等待', en: 'Wait' },
  decision: { zh: '判断', en: 'Decision' },
  parallel: { zh: '并行', en: 'Parallel' },
  join: { zh: '汇合', en: 'Join' },
  end: { zh: '结束', en: 'End' },
};

const ROLE: Record<Role, Words> = {
  admin: { zh: '管理员', en: 'administrator' },
  leader: { zh: '领导', en: 'leader' },
  duty_officer: { zh: '值班长', en: 'shift leader' },
  dispatcher: { zh: '派遣员', en: 'dispatcher' },
  handler: { zh: '处置人员', en: 'handler' },
  grid_worker: { zh: '网格员', en: 'grid worker' },
  officer: { zh: '执法队员', en: 'officer' },
  deputy: { zh: '人大代表', en: 'deputy' },
  integrator: { zh: '对接系统', en: 'integration' },
};

const UNIT: Record<Exclude<AssigneeUnit, { department: string }>, Words> = {
  grid: { zh: '所在网格', en: "the event's grid" },
  village: { zh: '所在村社', en: "the event's village" },
  township: { zh: '所在乡镇', en: "the event's township" },
  county: { zh: '县级中心', en: 'the county center' },
  lead: { zh: '主办单位', en: 'the lead unit' },
  co: { zh: '各协办单位', en: 'each co-handling unit' },
  reporter: { zh: '上报人', en: 'the reporter' },
};

const CLOSING: Record<string, Words> = {
  normal: { zh: '正常结案', en: 'closed normally' },
  overdue: { zh: '超期结案', en: 'closed overdue' },
  self_corrected: { zh: '自行纠正结案', en: 'closed as self-corrected' },
  erroneous: { zh: '误报结案', en: 'closed as erroneous' },
  special: { zh: '特殊结案', en: 'closed as special' },
};

const OPS: Record<string, string> = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };

function unitText(unit: AssigneeUnit, lang: Lang): string {
  if (typeof unit === 'object') return lang === 'zh' ? `部门 ${unit.department}` : `department ${unit.department}`;
  return UNIT[unit][lang];
}

/** Who may send a wait's signal, in words (without senders: the platform and administrators only). */
export function sendersText(senders: readonly SignalSender[] | undefined, lang: Lang): string {
  const zh = lang === 'zh';
  if (!senders?.length) return zh ? '仅平台与管理员可发送' : 'sent by the platform and administrators only';
  const one = (s: SignalSender): string => {
    switch (s.kind) {
      case 'platform':
        return zh ? '平台自身' : 'the platform itself';
      case 'reporter':
        return zh ? '上报人' : 'the reporter';
      case 'role':
        return zh ? `${unitText(s.unit, lang)}的${ROLE[s.role].zh}` : `${ROLE[s.role].en}s of ${unitText(s.unit, lang)}`;
      case 'apiKey':
        return zh ? `具有 ${s.scope} 权限的接口密钥` : `API keys with ${s.scope}`;
    }
  };
  return zh ? `可发送：${[...senders.map(one), '管理员'].join('、')}` : `sent by ${senders.map(one).join(', ')} or an administrator`;
}

export function durationText(d: Duration, lang: Lang): string {
  const working = d.kind === 'working';
  if (!working && d.minutes % 1440 === 0) {
    const days = d.minutes / 1440;
    return lang === 'zh' ? `${days} 天` : `${days} day${days === 1 ? '' : 's'}`;
  }
  if (d.minutes % 60 === 0) {
    const h = d.minutes / 60;
    return lang === 'zh' ? `${h} ${working ? '工作小时' : '小时'}` : `${h} ${working ? 'working ' : ''}hour${h === 1 ? '' : 's'}`;
  }
  return lang === 'zh' ? `${d.minutes} ${working ? '工作分钟' : '分钟'}` : `${d.minutes} ${working ? 'working ' : ''}minute${d.minutes === 1 ? '' : 's'}`;
}

const RECIPIENT: Record<string, Words> = {
  owner: { zh: '车主', en: 'the owner' },
  reporter: { zh: '上报人', en: 'the reporter' },
  family: { zh: '家属', en: 'the family' },
  unit: { zh: '单位人员', en: 'the unit' },
};

function actionText(action: string, params: Record<string, unknown>, lang: Lang): string {
  const zh = lang === 'zh';
  const p = params as Record<string, string>;
  switch (action) {
    case 'send_sms':
      return zh ? `短信（${p.template}）发送给${RECIPIENT[p.to]?.zh ?? p.to}` : `SMS (${p.template}) to ${RECIPIENT[p.to]?.en ?? p.to}`;
    case 'notify_unit': {
      const unit = params.unit ? unitText(params.unit as AssigneeUnit, lang) : '?';
      const role = p.role ? (ROLE[p.role as Role]?.[lang] ?? p.role) : '';
      return zh ? `通知${unit}${role}（${p.template}）` : `notify ${unit}${role ? ` (${role})` : ''} with ${p.template}`;
    }
    case 'lookup_vehicle_owner':
      return zh ? '查询车辆登记' : 'look up the vehicle registry';
    case 'call_webhook':
      return zh ? `调用 ${p.url}` : `call ${p.url}`;
    case 'set_field':
      return `${p.field} := ${JSON.stringify(params.value)}`;
    case 'set_status':
      return zh ? `状态设为 ${p.status}` : `status becomes ${p.status}`;
    case 'close':
      return CLOSING[p.kind]?.[lang] ?? p.kind;
    default:
      return action;
  }
}

export function conditionText(c: Condition, lang: Lang): string {
  if ('all' in c) return c.all.map((x) => conditionText(x, lang)).join(lang === 'zh' ? ' 且 ' : ' and ');
  if ('any' in c) return `(${c.any.map((x) => conditionText(x, lang)).join(lang === 'zh' ? ' 或 ' : ' or ')})`;
  if ('not' in c) return `${lang === 'zh' ? '非' : 'not'} (${conditionText(c.not, lang)})`;
  switch (c.op) {
    case 'exists':
      return `${c.field} ${(c.value ?? true) ? (lang === 'zh' ? '有值' : 'is set') : lang === 'zh' ? '无值' : 'is not set'}`;
    case 'in':
    case 'nin':
      return `${c.field} ${c.op === 'in' ? (lang === 'zh' ? '属于' : 'in') : lang === 'zh' ? '不属于' : 'not in'} [${c.value.join(', ')}]`;
    case 'contains':
      return `${c.field} ${lang === 'zh' ? '包含' : 'contains'} ${JSON.stringify(c.value)}`;
    default:
      return `${c.field} ${OPS[c.op]} ${JSON.stringify(c.value)}`;
  }
}

/**
 * The steps of a definition in words, in the order a case meets them (breadth-first from the
 * start; unreachable nodes last), each with who or what, limits and where it goes next.
 */
export function describeDefinition(def: Pick<ProcessDefinition, 'start' | 'nodes'>, lang: Lang): DescribedStep[] {
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const titleOf = (n: ProcessNode) => n.title?.[lang] ?? `${KIND[n.kind][lang]} ${n.id}`;
  const nameOf = (id: string) => {
    const n = byId.get(id);
    return n ? titleOf(n) : id;
  };
  const arrow = (id: string) => `→ ${nameOf(id)}`;
  const sep = lang === 'zh' ? '；' : '; ';

  const order: ProcessNode[] = [];
  const seen = new Set<string>();
  const queue = byId.has(def.start) ? [def.start] : [];
  seen.add(def.start);
  while (queue.length > 0) {
    const node = byId.get(queue.shift()!)!;
    order.push(node);
    for (const t of processTransitions(node)) {
      if (!seen.has(t.to) && byId.has(t.to)) {
        seen.add(t.to);
        queue.push(t.to);
      }
    }
  }
  for (const n of def.nodes) {
    if (!seen.has(n.id)) {
      seen.add(n.id);
      order.push(n);
    }
  }

  return order.map((node) => ({ id: node.id, kind: node.kind, title: titleOf(node), detail: detailOf(node) }));

  function detailOf(node: ProcessNode): string {
    const zh = lang === 'zh';
    switch (node.kind) {
      case 'task': {
        const parts: string[] = [];
        if (node.assignee) parts.push(`${unitText(node.assignee.unit, lang)}${zh ? '的' : ': '}${ROLE[node.assignee.role][lang]}`);
        if (node.timeLimit) {
          const limit = 'from' in node.timeLimit ? (zh ? '按事件类别' : 'per category') : durationText(node.timeLimit, lang);
          parts.push(`${zh ? '时限' : 'limit'} ${limit}`);
        }
        const urgencyWords = { normal: { zh: '一般', en: 'normal' }, urgent: { zh: '紧急', en: 'urgent' }, critical: { zh: '特急', en: 'critical' } };
        for (const [u, l] of Object.entries(node.timeLimitByUrgency ?? {}) as Array<[keyof typeof urgencyWords, NonNullable<typeof node.timeLimit>]>) {
          if (!l) continue;
          const text =
            'from' in l ? `${zh ? '按事件类别' : 'per category'}${l.kind === 'natural' ? (zh ? '（自然时）' : ' (natural time)') : ''}` : durationText(l, lang);
          parts.push(`${urgencyWords[u][lang]} ${text}`);
        }
        for (const o of node.outcomes) parts.push(`${o.title?.[lang] ?? o.key} ${arrow(o.next)}`);
        if (node.allow?.return) parts.push(`${zh ? '退回' : 'return'} ${arrow(node.allow.return.next)}`);
        const extras = (['transfer', 'extend', 'shelve'] as const).filter((k) => node.allow?.[k]);
        const extraWords = { transfer: { zh: '转办', en: 'transfer' }, extend: { zh: '延期', en: 'extend' }, shelve: { zh: '挂起', en: 'shelve' } };
        if (extras.length > 0) parts.push(`${zh ? '可' : 'may '}${extras.map((k) => extraWords[k][lang]).join(zh ? '、' : ', ')}`);
        return parts.join(sep);
      }
      case 'action':
        return `${actionText(node.action, node.params, lang)} ${arrow(node.next)}${node.onError ? `${sep}${zh ? '失败' : 'on failure'} ${arrow(node.onError)}` : ''}`;
      case 'wait': {
        const parts: string[] = [];
        if (node.timer) parts.push(`${durationText(node.timer.duration, lang)}${zh ? '后' : ' later'} ${arrow(node.timer.next)}`);
        if (node.signal)
          parts.push(
            `${zh ? '收到信号' : 'on signal'} ${node.signal.name} ${arrow(node.signal.next)}${zh ? `（${sendersText(node.signal.senders, lang)}）` : ` (${sendersText(node.signal.senders, lang)})`}`,
          );
        const first = node.timer && node.signal ? (zh ? '（先到者为准）' : ' (whichever comes first)') : '';
        return parts.join(sep) + first;
      }
      case 'decision':
        return [
          ...node.branches.map((b) => `${zh ? '若' : 'if'} ${conditionText(b.when, lang)} ${arrow(b.next)}`),
          ...(node.default ? [`${zh ? '否则' : 'otherwise'} ${arrow(node.default)}`] : []),
        ].join(sep);
      case 'parallel':
        return `${zh ? '同时' : 'at once'}: ${node.branches.map(nameOf).join(zh ? '、' : ', ')}`;
      case 'join':
        return `${node.mode === 'any' ? (zh ? '任一分支完成' : 'when the first branch finishes') : zh ? '全部分支完成' : 'when all branches finish'} ${arrow(node.next)}`;
      case 'end':
        if (node.closingKind) return CLOSING[node.closingKind]![lang];
        if (node.status === 'rejected') return zh ? '不予立案' : 'rejected';
        if (node.status === 'void') return zh ? '作废' : 'void';
        return zh ? '流程结束' : 'process ends';
    }
  }
}

import { processTransitions, type NodePosition, type ProcessDefinition, type ProcessNode } from '@liandong/contracts';

export const LAYOUT_SPACING = { x: 240, y: 140 } as const;

/**
 * Positions for the nodes that have none, in layers from the start (top to bottom), so a
 * definition written by hand or seeded shows as a tidy diagram. Loops back (rework, reminder
 * loops) are ignored when layering; each node sits one layer below its lowest predecessor.
 * Nodes that already have a position keep it. Pure and deterministic.
 */
export function layoutDefinition<T extends Pick<ProcessDefinition, 'start'> & { nodes: ProcessNode[] }>(definition: T): T {
  if (definition.nodes.every((n) => n.position)) return definition;
  const positions = computeLayout(definition.start, definition.nodes);
  return { ...definition, nodes: definition.nodes.map((n) => (n.position ? n : { ...n, position: positions.get(n.id)! })) };
}

/** Layered positions for every node (whether or not it has one). */
export function computeLayout(start: string, nodes: readonly ProcessNode[]): Map<string, NodePosition> {
  const ids = new Set(nodes.map((n) => n.id));
  const successors = new Map<string, string[]>();
  for (const n of nodes) {
    if (!successors.has(n.id))
      successors.set(
        n.id,
        [...new Set(processTransitions(n).map((t) => t.to))].filter((to) => ids.has(to)),
      );
  }

  // Depth-first from the start, then from any node left over; back edges close loops.
  const state = new Map<string, 'open' | 'done'>();
  const postorder: string[] = [];
  const backEdges = new Set<string>();
  const visit = (root: string) => {
    if (state.has(root)) return;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'open');
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = successors.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const to = succ[frame.next++]!;
        const s = state.get(to);
        if (s === 'open') backEdges.add(`${frame.id}\u0000${to}`);
        else if (s === undefined) {
          state.set(to, 'open');
          work.push({ id: to, next: 0 });
        }
        continue;
      }
      state.set(frame.id, 'done');
      postorder.push(frame.id);
      work.pop();
    }
  };
  if (ids.has(start)) visit(start);
  for (const n of nodes) visit(n.id);

  const order = postorder.reverse(); // a topological order of the forward edges
  const layer = new Map<string, number>(order.map((id) => [id, 0]));
  for (const id of order) {
    for (const to of successors.get(id) ?? []) {
      if (backEdges.has(`${id}\u0000${to}`)) continue;
      layer.set(to, Math.max(layer.get(to)!, layer.get(id)! + 1));
    }
  }

  // Within a row, nodes keep the order a reader meets them: breadth-first, exits in their order.
  const discovery = new Map<string, number>();
  for (const root of [...(ids.has(start) ? [start] : []), ...nodes.map((n) => n.id)]) {
    if (discovery.has(root)) continue;
    const queue = [root];
    discovery.set(root, discovery.size);
    while (queue.length > 0) {
      for (const to of successors.get(queue.shift()!) ?? []) {
        if (discovery.has(to)) continue;
        discovery.set(to, discovery.size);
        queue.push(to);
      }
    }
  }
  const rows = new Map<number, string[]>();
  for (const id of [...order].sort((a, b) => discovery.get(a)! - discovery.get(b)!)) {
    rows.set(layer.get(id)!, [...(rows.get(layer.get(id)!) ?? []), id]);
  }
  const positions = new Map<string, NodePosition>();
  for (const [row, members] of rows) {
    members.forEach((id, i) => {
      positions.set(id, { x: (i - (members.length - 1) / 2) * LAYOUT_SPACING.x, y: row * LAYOUT_SPACING.y });
    });
  }
  return positions;
}

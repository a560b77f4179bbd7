/**
 * W3C Trace Context (`traceparent: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`): the
 * trace id is logged with the request so a line can be joined to a trace from a proxy or caller.
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id of a valid `traceparent`, else undefined (all-zero ids are invalid by the spec). */
export function traceIdOf(header: string | undefined): string | undefined {
  const match = TRACEPARENT.exec((header ?? '').trim().toLowerCase());
  if (!match || match[1] === 'ff') return undefined;
  const [, , traceId, parentId] = match;
  if (/^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return undefined;
  return traceId;
}

import { reply, type ChatBehaviour, type ChatCompletionRequest, type ScriptedToolCall } from '../openai-compatible-server.ts';
import { intentOf, type Grounds, type Intent } from './read-intent.ts';
import { pastCalls, textOf, toolsOf, userTexts, type OfferedTool, type PastCall } from './read-request.ts';

export interface ExecutorQuirks {
  /** Fields the first proposal of each write gets wrong (a wrong type, an extra field); corrected when the tool names them. */
  firstWriteMistakes?: Record<string, unknown>;
  /** A stuck model: sends this call whatever it is told. */
  stuck?: ScriptedToolCall;
}

type Result = PastCall['result'];

/**
 * The executor as a competent model plays it: it reads the task, looks facts up before it
 * changes anything (independent reads together, in one reply), proposes one write with the
 * reason the customer's words give, chosen from the tool's own list of reasons, corrects
 * exactly the fields a tool names as invalid, proposes again at a maximum a refusal names, and
 * tells the customer the outcome in the tool's customer-facing words.
 */
export function execute(request: ChatCompletionRequest, quirks: ExecutorQuirks = {}): ChatBehaviour {
  if (quirks.stuck) return reply.toolCalls([quirks.stuck]);
  const tools = toolsOf(request);
  const task = /^Task: (.*)$/m.exec(userTexts(request.messages)[0] ?? '')?.[1] ?? '';
  const past = pastCalls(request.messages);
  const latest = (name: string) => past.findLast((call) => call.name === name);
  const has = (name: string) => tools.some((tool) => tool.name === name);

  // A task that spells out a call is done as spelled.
  for (const tool of tools) {
    const spelled = new RegExp(`\\b${tool.name}\\s*(\\{.*\\})`).exec(task);
    if (!spelled) continue;
    const done = latest(tool.name);
    return done ? reply.text(outcomeText(tool.name, done.result)) : reply.toolCall(tool.name, JSON.parse(spelled[1]!) as Record<string, unknown>);
  }
  const intent = intentOf(task);
  if (intent.kind === 'question') return reply.text('The task names no order, so I did nothing.');

  const reads = ['lookup_order', ...(intent.grounds === 'late' || intent.kind === 'credit' ? ['check_shipment_sla'] : []), ...(intent.kind === 'credit' ? ['compute_late_penalty'] : [])]
    .filter((name) => has(name) && !latest(name));
  if (reads.length > 0) return reply.toolCalls(reads.map((name) => ({ name, arguments: { orderId: intent.orderId } })));
  const order = latest('lookup_order')?.result.result;
  const sla = latest('check_shipment_sla')?.result.result;
  if (!order) return reply.text(`I could not look order ${intent.orderId} up: ${latest('lookup_order')?.result.message ?? 'no such order'}`);

  switch (intent.kind) {
    case 'lookup':
      return reply.text(String(order.summary));
    case 'cancel':
      // The tool says shipped orders cannot be cancelled; a careful model does not try.
      if ((order.shipment as { status?: string } | undefined)?.status !== 'not_shipped') {
        return reply.text(`Order ${intent.orderId} has already shipped, so it cannot be cancelled; it can be returned instead.`);
      }
      return write(tools, past, quirks, 'cancel_order', { orderId: intent.orderId, reason: 'The customer asked to cancel before shipment' });
    case 'credit': {
      const penalty = latest('compute_late_penalty')?.result.result ?? {};
      const owed = Number(penalty.remainingCreditCents ?? 0);
      if (!(owed > 0) && !latest('create_credit_memo')) return reply.text(String(penalty.customerSummary ?? `Order ${intent.orderId} is owed no late-delivery credit.`));
      return write(tools, past, quirks, 'create_credit_memo', { orderId: intent.orderId, amountCents: intent.cents ?? owed, reason: 'Late delivery credit' });
    }
    case 'refund': {
      if (intent.grounds === 'late' && sla && sla.late !== true) {
        return reply.text(`${String(sla.summary)} It does not qualify for a late-delivery refund, so no refund was issued.`);
      }
      const refundable = Number(order.refundableRemainingCents ?? 0);
      if (!(refundable > 0) && !latest('issue_refund')) return reply.text(`Order ${intent.orderId} has already been refunded in full; there is nothing left to refund.`);
      const tool = tools.find((candidate) => candidate.name === 'issue_refund');
      if (!tool) return reply.text('I am not allowed to issue refunds.');
      // The reason list is read when a refund is proposed; once one was, its reason stands (a summary turn needs no schema).
      const reason = (latest('issue_refund')?.args.reason as string | undefined) ?? reasonFor(tool, intent);
      return write(tools, past, quirks, 'issue_refund', { orderId: intent.orderId, amountCents: intent.cents ?? refundable, reason }, intent.cents === undefined);
    }
  }
}

/** Propose a write, or after its outcome: correct it, propose the named maximum once, or report. */
function write(tools: OfferedTool[], past: PastCall[], quirks: ExecutorQuirks, name: string, args: Record<string, unknown>, mayLower = false): ChatBehaviour {
  const proposals = past.filter((call) => call.name === name);
  const last = proposals.at(-1);
  if (!last) return reply.toolCall(name, { ...args, ...(quirks.firstWriteMistakes ?? {}) });
  const status = last.result.status;
  if (status === 'invalid' && proposals.length < 3) {
    // Only the fields the tool named change: to this model's own value, or gone when it has none.
    const named = new Set((last.result.issues ?? []).map((issue) => issue.field.split(/[.[]/)[0]!));
    const corrected: Record<string, unknown> = {};
    for (const [field, value] of Object.entries({ ...args, ...last.args })) {
      if (!named.has(field)) corrected[field] = value;
      else if (field in args) corrected[field] = args[field];
    }
    return reply.toolCall(name, corrected);
  }
  const max = Number(last.result.details?.maxAmountCents);
  if (status === 'forbidden' && mayLower && max > 0 && max < Number(last.args.amountCents) && proposals.filter((call) => call.result.status === 'forbidden').length < 2) {
    return reply.toolCall(name, { ...last.args, amountCents: max });
  }
  const earlier = proposals.at(-2)?.result;
  const why = status === 'ok' && earlier?.status === 'forbidden' && earlier.message ? ` ${customerText(earlier.message, tools)}` : '';
  return reply.text(`${outcomeText(name, last.result, tools)}${why}`);
}

/** The reason from the tool's own list: the one the customer's words fit, else the one for "any other reason". */
function reasonFor(tool: OfferedTool, intent: Extract<Intent, { orderId: number }>): string {
  const reason = tool.parameters.properties?.reason;
  const values = reason?.enum ?? [];
  const fits: Record<Grounds, RegExp> = { late: /late/, damaged: /damag/, returned: /return/, goodwill: /goodwill/, none: /$^/ };
  const fitting = values.find((value) => fits[intent.grounds].test(value));
  if (fitting) return fitting;
  // The description lists each value with when it applies: "customer_request (any other reason, ...)".
  const otherwise = values.find((value) => new RegExp(`${value} \\((?:any )?other`).test(reason?.description ?? ''));
  if (!otherwise) throw new Error(`policy-following model: the reason list of ${tool.name} has no value for "${intent.grounds}" and none for any other reason`);
  return otherwise;
}

const notDone: Record<string, string> = {
  issue_refund: 'No refund was issued.',
  create_credit_memo: 'No store credit was added.',
  cancel_order: 'The order was not cancelled.',
};

function outcomeText(name: string, result: Result, tools: OfferedTool[] = []): string {
  if (result.status === 'ok') {
    const value = result.result ?? {};
    return String(value.customerSummary ?? value.summary ?? 'Done.');
  }
  return `${notDone[name] ?? 'That could not be done.'} ${customerText(result.message ?? textOf(result.text), tools)}`.trim();
}

/** What the customer may read of a tool's message: no tool names, no instructions meant for a model. */
function customerText(message: string, tools: OfferedTool[]): string {
  let text = message.replace(/[^.]*\b(?:Do not retry|Continue without it|tell the user|Ask again if|Fix exactly)\b[^.]*\.\s*/gi, '');
  for (const tool of tools) text = text.replaceAll(`"${tool.name}"`, 'this').replaceAll(tool.name, 'this');
  return text.trim();
}

// The runtime: plain JavaScript, no interpolation. R holds each step's result as `${…}` sees it
// (output fields at top level, status, output, attempts); DONE the completed steps that have a
// rollback, in completion order. A failing step sets HALT so nothing new starts (as `run next`).
const R = {}
const DONE = []
let HALT = null
function given(a) {
  if (typeof a === 'string') { try { a = JSON.parse(a) } catch (e) { return {} } }
  return (a && typeof a === 'object' && !Array.isArray(a)) ? a : {}
}
const PREV = given(typeof args === 'undefined' ? undefined : args)
Object.assign(R, PREV.results || {})
DONE.push(...(PREV.done || []))
const INPUTS = Object.assign({}, DEFAULTS, PREV.inputs || {})

function canon(id) { return String(id).replace(/_/g, '-').toLowerCase() }

function lookup(parts) {
  let value
  const head = String(parts[0])
  if (head === 'inputs') value = INPUTS
  else if (Object.prototype.hasOwnProperty.call(R, canon(head))) value = R[canon(head)]
  else {
    const key = Object.keys(INPUTS).find(k => canon(k) === canon(head))
    if (key === undefined) return null
    value = INPUTS[key]
  }
  for (const part of parts.slice(1)) {
    if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, part)) value = value[part]
    else return null
  }
  return value === undefined ? null : value
}

function truthy(v) {
  if (typeof v === 'string') return !['', 'false', '0', 'no', 'null'].includes(v.trim().toLowerCase())
  if (Array.isArray(v)) return v.length > 0
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0
  return Boolean(v)
}

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b) }

function cmp(op, a, b) {
  if (op === '==') return same(a, b)
  if (op === '!=') return !same(a, b)
  if (op === 'in') {
    if (typeof b === 'string') return typeof a === 'string' && b.includes(a)
    if (Array.isArray(b)) return b.some(x => same(x, a))
    if (b !== null && typeof b === 'object') return Object.prototype.hasOwnProperty.call(b, a)
    return false
  }
  const nums = typeof a === 'number' && typeof b === 'number'
  const strs = typeof a === 'string' && typeof b === 'string'
  if (!nums && !strs) return false
  if (op === '<') return a < b
  if (op === '<=') return a <= b
  if (op === '>') return a > b
  return a >= b
}

function pathOf(text) {
  const parts = []
  for (const m of text.trim().matchAll(/([A-Za-z0-9_][A-Za-z0-9_-]*)|\[(\d+)\]/g)) parts.push(m[1] !== undefined ? m[1] : Number(m[2]))
  return parts
}

function render(value) {
  if (Array.isArray(value)) return value.map(render)
  if (value !== null && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) out[k] = render(v)
    return out
  }
  if (typeof value !== 'string' || !value.includes('$')) return value
  const whole = value.trim().match(/^\$\{([^}]*)\}$/)
  if (whole) return lookup(pathOf(whole[1]))
  return value.replace(/\$\$\{|\$\{([^}]*)\}/g, (m, inner) => {
    if (m === '$${') return '${'
    const found = lookup(pathOf(inner))
    if (typeof found === 'string') return found
    return found === null ? '' : JSON.stringify(found)
  })
}

class StepFailed extends Error {
  constructor(id, policy) { super('step ' + id + ' failed'); this.step = id; this.policy = policy }
}

function schemaFor(fields) {
  const properties = {
    status: { type: 'string', enum: ['success', 'failure'], description: 'success or failure' },
    output: { description: 'Your result: a JSON value the next steps can use' },
    summary: { type: 'string', description: 'One line on what you did' },
  }
  for (const f of fields) properties[f] = { description: 'Field ' + f + ' of your result' }
  return { type: 'object', properties, required: ['status', 'summary'] }
}

async function runStep(s) {
  if (HALT !== null) throw new StepFailed(s.id, 'skipped')
  const fields = s.fields
  for (let attempt = 1; attempt <= s.retry + 1; attempt++) {
    const prompt = s.head + render(s.instructions) + '\nInputs (JSON): ' + JSON.stringify(render(s.inputs)) + s.tail
    const res = await agent(prompt, { label: s.label + (attempt > 1 ? ' #' + attempt : ''), phase: s.phase, schema: schemaFor(fields) })
    const ok = res !== null && typeof res === 'object' && res.status === 'success' && s.outputs.every(f => Object.prototype.hasOwnProperty.call(res, f))
    const view = Object.assign({}, res && typeof res === 'object' ? res : {})
    view.status = ok ? 'success' : 'failure'
    view.output = res && typeof res === 'object' && 'output' in res ? res.output : (res && typeof res === 'object' ? res : null)
    view.attempts = attempt
    R[canon(s.id)] = view
    if (ok) {
      if (s.rollback) DONE.push(s.id)
      log('step ' + s.id + ': success')
      return view
    }
    log('step ' + s.id + ': failure (attempt ' + attempt + ' of ' + (s.retry + 1) + ')')
  }
  if (s.on_failure === 'continue') return R[canon(s.id)]
  if (HALT === null) HALT = { step: s.id, policy: s.on_failure }
  throw new StepFailed(s.id, s.on_failure)
}

async function branches(thunks) {
  // One failing branch does not stop the others already running; the first failure wins.
  let failure = null
  const wrap = t => async () => { try { return await t() } catch (e) { if (failure === null) failure = e; return null } }
  for (let i = 0; i < thunks.length; i += BATCH) await parallel(thunks.slice(i, i + BATCH).map(wrap))
  if (failure !== null) throw failure
}

async function rollBack() {
  // Undo completed steps in reverse order; a failing rollback step is logged, the rest still run.
  HALT = null
  const undone = []
  for (const id of DONE.slice().reverse()) {
    const s = ROLLBACKS[id]
    if (!s) continue
    try { await runStep(Object.assign({}, s, { on_failure: 'continue' })) } catch (e) { log('rollback ' + s.id + ' failed') }
    undone.push(s.id)
  }
  return undone
}

export { DEMO_ACCOUNTS } from './accounts.js'
export {
  checkInvariants,
  checkJobsEnded,
  type InvariantCheck,
  type InvariantReport,
  waitForInvariants,
} from './invariants/checkInvariants.js'
export { createEventLog, type EventLog, type ObservedEvent } from './observe/createEventLog.js'
export { pollUntil } from './poll.js'
export { type RunDemoParameters, runDemo } from './runDemo.js'
export {
  CRASH_STEPS,
  type CrashStep,
  type CrashSummary,
  type RunCrashScenarioParameters,
  runCrashScenario,
} from './scenario/runCrashScenario.js'
export {
  deposit,
  findInstrument,
  requestPermit,
  type SignedPermit,
  trade,
  waitForRelay,
} from './scenario/seed.js'
export { START_PRICES, seedCrashScenario } from './scenario/seedCrashScenario.js'
export { setPrices } from './scenario/setPrices.js'
export { type ServiceProcess, spawnService, waitUntilReady } from './stack/spawnService.js'
export { type DemoChain, type Stack, type StartStackParameters, startStack } from './stack/startStack.js'

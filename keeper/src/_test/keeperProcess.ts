// A keeper process for the race and crash tests, run from the build exactly as `xmargin keeper` runs it:
//   XMARGIN_KEEPER_KEYS=0x… node dist/_test/keeperProcess.js <settings.json>
import { runKeeper } from '../main.js'

await runKeeper({ configFile: process.argv[2]! })
process.exit(0)

import { parseDurationMs } from '../../shared/config/duration';
import { FAULT_NAMES, parseFaultList } from '../emulator';

/** What `npm run local -- ...` was asked to do. */
export interface SandboxArgs {
  /** Fire this many backup cycles back to back, then exit (unless `serve`). */
  readonly cycles?: number;
  /** At least this much simulated time between cycles (default: the next schedule occurrence). */
  readonly everyMs?: number;
  /** Keep serving (and running the schedule) after the cycles, until stopped. */
  readonly serve: boolean;
  /** Print one JSON object on stdout and nothing else there. */
  readonly json: boolean;
  /** An outside HSM-compatible endpoint instead of the built-in emulator. */
  readonly hsmUrl?: string;
  /** Free ports for everything instead of the well-known ones (7071, 10000-10002). */
  readonly autoPorts: boolean;
  /** Print every function log line (stderr). */
  readonly verbose: boolean;
  /** Emulator faults to switch on (`name`, `name:count` or `slow-poll:count:delayMs`). */
  readonly faults?: readonly string[];
  /** Retention plans and logs but deletes nothing; the plan is printed at exit. */
  readonly dryRun?: boolean;
}

export const usage = `Usage: npm run local -- [options]

Runs hsm-backup on this machine: Azurite, an emulated Managed HSM, and the app in a local host.

  --cycles N      fire N backup cycles (the schedule's next occurrences, on simulated time)
                  back to back, print a summary, exit 0 only if all succeeded
  --every D       at least D of simulated time between cycles (e.g. 1d, 6h)
  --dry-run       with --cycles: retention deletes nothing (RETENTION_DRY_RUN=true) and the
                  plan it would carry out is printed at exit
  --serve         with --cycles: keep serving afterwards; without --cycles this is the default
  --json          print one JSON object on stdout (use with npm run -s)
  --fault F       switch on an emulated HSM fault (repeatable): NAME, NAME:count (strikes count
                  times) or slow-poll:count:delayMs, NAME one of:
                  ${FAULT_NAMES.join(', ')
                    .replace(/(.{1,70})(, |$)/g, '$1,\n                  ')
                    .replace(/,\n\s*$/, '')}
  --hsm-url URL   use an outside HSM-compatible endpoint (TLS trust via NODE_EXTRA_CA_CERTS)
  --ports auto    take free ports instead of 7071 and 10000-10002
  --verbose       print every function log line to stderr
  --help          this text

Settings come from the same environment variables as in Azure, e.g. RETENTION_KEEP_LAST=2.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseSandboxArgs(argv: readonly string[]): SandboxArgs | 'help' {
  const args = [...argv];
  let cycles: number | undefined;
  let everyMs: number | undefined;
  let serve = false;
  let json = false;
  let hsmUrl: string | undefined;
  let autoPorts = false;
  let verbose = false;
  let dryRun = false;
  const faults: string[] = [];
  const valueOf = (flag: string): string => {
    const value = args.shift();
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`${flag} needs a value`);
    return value;
  };
  while (args.length > 0) {
    const arg = args.shift() as string;
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--cycles': {
        const value = valueOf(arg);
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
          throw new UsageError(`--cycles takes a whole number from 1 to 1000; got "${value}"`);
        }
        cycles = Number(value);
        break;
      }
      case '--every': {
        const value = valueOf(arg);
        everyMs = parseDurationMs(value);
        if (everyMs === undefined || everyMs <= 0) {
          throw new UsageError(`--every takes a duration such as 1d or 6h; got "${value}"`);
        }
        break;
      }
      case '--serve':
        serve = true;
        break;
      case '--json':
        json = true;
        break;
      case '--hsm-url':
        hsmUrl = valueOf(arg);
        break;
      case '--ports': {
        const value = valueOf(arg);
        if (value !== 'auto') throw new UsageError(`--ports takes "auto"; got "${value}"`);
        autoPorts = true;
        break;
      }
      case '--verbose':
        verbose = true;
        break;
      case '--dry-run':
        dryRun = true;
        break;
      case '--fault': {
        const fault = valueOf(arg);
        for (const spec of parseFaultList(fault)) {
          const countOk =
            spec.count === undefined || (Number.isInteger(spec.count) && spec.count > 0);
          if (!FAULT_NAMES.includes(spec.name) || !countOk) {
            throw new UsageError(
              `--fault "${fault}" is not a fault: name[:count[:delayMs]] with a name among ` +
                FAULT_NAMES.join(', '),
            );
          }
        }
        faults.push(fault);
        break;
      }
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  if ((everyMs !== undefined || dryRun) && cycles === undefined) {
    throw new UsageError(`${dryRun ? '--dry-run' : '--every'} goes with --cycles`);
  }
  return {
    faults,
    dryRun,
    cycles,
    everyMs,
    serve: serve || cycles === undefined,
    json,
    hsmUrl,
    autoPorts,
    verbose,
  };
}

/**
 * Flag parsing shared by the subcommands. Values are checked here only for their syntax (a number
 * is a number); ranges are the engine's to check, so CLI and studio report the same errors.
 */
import { invalidArgument } from '../../common/errors.ts';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[]>;
  positionals: string[];
}

/** Parses `--name value`, `--name=value` and boolean `--name`; unknown flags are errors. */
export function parseFlags(argv: string[], spec: FlagSpec): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const def = spec[name];
    if (!def)
      throw invalidArgument(
        `--${name}`,
        arg,
        Object.keys(spec).map((k) => `--${k}`),
      );
    if (def.type === 'boolean') {
      if (eq >= 0)
        throw invalidArgument(`--${name}`, arg.slice(eq + 1), 'no value (it is a switch)');
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw invalidArgument(`--${name}`, undefined, 'a value');
    if (def.multiple) flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return { flags, positionals };
}

export function numberFlag(flags: ParsedArgs['flags'], name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(value)) throw invalidArgument(`--${name}`, raw, 'a number');
  return value;
}

export function stringFlag(flags: ParsedArgs['flags'], name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === 'string' ? raw : undefined;
}

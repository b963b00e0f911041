/**
 * Splits a command's arguments into options and operands the way getopt-style programs do,
 * given which options take a value. Every table in this folder describes commands with it, so
 * `-o out`, `-oout`, `--output out` and `--output=out` all come out as one option `-o`/`--output`.
 */

export interface OptionSpec {
  /** Options followed by a value: `-o`, `--output`. */
  readonly withValue?: ReadonlySet<string>;
  /** Options whose value, if any, is attached (`-i{}`, `--replace=R`), never the next word. */
  readonly optionalValue?: ReadonlySet<string>;
  /** Stop at the first operand: for commands that run the rest as another command. */
  readonly stopAtOperand?: boolean;
}

export interface ParsedOption {
  /** As `-o` or `--output`. */
  readonly name: string;
  readonly value: string | null;
  /** Index of the word holding the value, or null when it is attached or absent. */
  readonly valueIndex: number | null;
  /** Index of the word holding the option. */
  readonly index: number;
}

export interface ParsedArgs {
  readonly options: readonly ParsedOption[];
  /** Indexes of the operands. With stopAtOperand, only the first. */
  readonly operands: readonly number[];
}

const EMPTY: ReadonlySet<string> = new Set();

export function parseOptions(args: readonly string[], start: number, spec: OptionSpec): ParsedArgs {
  const withValue = spec.withValue ?? EMPTY;
  const optionalValue = spec.optionalValue ?? EMPTY;
  const options: ParsedOption[] = [];
  const operands: number[] = [];
  for (let i = start; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      for (let j = i + 1; j < args.length; j++) {
        operands.push(j);
        if (spec.stopAtOperand) break;
      }
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (eq !== -1) options.push({ name, value: arg.slice(eq + 1), valueIndex: null, index: i });
      else if (withValue.has(name) && i + 1 < args.length) {
        options.push({ name, value: args[i + 1] ?? '', valueIndex: i + 1, index: i });
        i++;
      } else options.push({ name, value: null, valueIndex: null, index: i });
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      i = parseCluster(args, i, withValue, optionalValue, options);
      continue;
    }
    operands.push(i);
    if (spec.stopAtOperand) break;
  }
  return { options, operands };
}

/** `-abc` is `-a -b -c`; a value-taking letter takes the rest of the word, or the next word. */
function parseCluster(args: readonly string[], i: number, withValue: ReadonlySet<string>, optionalValue: ReadonlySet<string>, options: ParsedOption[]): number {
  const arg = args[i] ?? '';
  for (let at = 1; at < arg.length; at++) {
    const name = `-${arg[at] ?? ''}`;
    const rest = arg.slice(at + 1);
    if (withValue.has(name)) {
      if (rest !== '') options.push({ name, value: rest, valueIndex: null, index: i });
      else if (i + 1 < args.length) {
        options.push({ name, value: args[i + 1] ?? '', valueIndex: i + 1, index: i });
        return i + 1;
      } else options.push({ name, value: null, valueIndex: null, index: i });
      return i;
    }
    if (optionalValue.has(name)) {
      options.push({ name, value: rest === '' ? null : rest, valueIndex: null, index: i });
      return i;
    }
    options.push({ name, value: null, valueIndex: null, index: i });
  }
  return i;
}

export function hasOption(parsed: ParsedArgs, ...names: readonly string[]): boolean {
  return parsed.options.some((option) => names.includes(option.name));
}

export function optionValues(parsed: ParsedArgs, ...names: readonly string[]): ParsedOption[] {
  return parsed.options.filter((option) => names.includes(option.name) && option.value !== null);
}

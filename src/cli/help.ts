export const HELP_TEXT = `ward: a coding agent that runs every action through one governed path.

Usage:
  ward -p "PROMPT" [options]        run a task headless and print the result
  echo "PROMPT" | ward -p [options] the prompt may come on stdin
  ward --continue -p "PROMPT"       continue this project's latest session
  ward --resume ID -p "PROMPT"      continue a given session
  ward permissions                  the effective permission rules and their origin
  ward permissions check 'CALL'     explain the decision for a call, e.g. 'bash(git push)'
  ward trust                        trust this project's .ward settings as they are now
  ward doctor                       check the sandbox, ripgrep, Node and the provider
  ward audit verify [ID | --all]    prove session audit logs intact, or name the broken line
  ward audit show [ID]              a session's audit log as a timeline
  ward audit export [ID | --all]    audit records as JSON lines, for a SIEM
  ward release-check [DIR|TGZ]     check what npm would publish, before you publish it
                                    (ward release-check --help for its options)

Options:
  -p, --print                   headless mode: run the task, print the result, exit
      --output-format FORMAT    text (default), json (one object at the end) or
                                stream-json (one JSON event per line)
  -m, --model MODEL             model id (default depends on the provider)
      --provider NAME           anthropic or openai (OpenAI-compatible servers too)
      --base-url URL            provider endpoint, e.g. http://localhost:11434/v1
      --max-turns N             stop after N model turns this run (default 100)
      --max-cost USD            stop before a model request once the session has
                                cost USD dollars (needs a model with a known price)
      --max-tokens N            likewise at N tokens for the session (input, output,
                                cache writes and cache reads)
      --max-duration TIME       stop after TIME this run: 90s, 15m, 2h or seconds
      --max-tool-calls N        stop before tool call N+1 of this run
      --compact-threshold R     compact the conversation past this share of the
                                context window (default 0.8; e.g. 0.6 or 60%)
      --permission-mode MODE    default | accept-edits | plan | auto | bypass
      --allowed-tools RULES     allow matching calls without asking, e.g.
                                "read,grep" or "bash(npm test)" or "bash(git diff:*)"
      --disallowed-tools RULES  deny matching calls; a bare tool name also hides the
                                tool from the model
  -c, --continue                resume this project's most recent session
  -r, --resume ID               resume the session with this id
      --cwd DIR                 project folder (default: the current directory)
      --trust-project           apply this project's widening settings for this run
  -q, --quiet                   text format: print only the final answer
  -h, --help                    show this help
  -v, --version                 print ward's version

Providers (first match wins unless --provider is given):
  ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL    Anthropic Messages API
  OPENAI_API_KEY / OPENAI_BASE_URL          OpenAI or any OpenAI-compatible server
  nothing set                               ward looks for a local server (Ollama,
                                            LM Studio, vLLM, llama.cpp) on loopback

Exit codes:
  0 done   1 failed (provider or internal error)   2 bad usage or configuration
  3 stopped at --max-turns   4 stopped at a budget limit (--max-cost, --max-tokens,
  --max-duration, --max-tool-calls); both resume with --continue
  129 hangup (SIGHUP)   130 interrupted (SIGINT)   141 output pipe closed
  143 terminated (SIGTERM)

Settings: /etc/ward/managed-settings.json, .ward/settings.local.json, .ward/settings.json,
~/.ward/settings.json (see the README: rules, modes, sandbox network, budgets, trust).

State: transcripts and their audit logs are kept under $WARD_HOME (default ~/.ward);
WARD_AUDIT_HMAC_KEY adds an HMAC to every audit line (and is needed to verify it).
`;

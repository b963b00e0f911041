/**
 * How a command inside a network-less bubblewrap sandbox reaches ward's proxy.
 *
 * The sandbox has its own network namespace with nothing but a loopback interface, and ward's
 * proxy listens on a unix socket bound into the sandbox. Tools speak HTTP(S)_PROXY over TCP,
 * so before the command starts, a tiny forwarder (Node, the same binary ward runs on: the
 * system is visible read-only inside) listens on 127.0.0.1 inside the sandbox and relays each
 * connection to the unix socket. The launcher reads the port it got, points the proxy
 * variables at it, and execs the command.
 *
 * The forwarder is started in a subshell that exits at once, so it is not a child of the
 * command (a `wait` in the command would otherwise wait for it forever). It dies with the
 * sandbox: bubblewrap's PID 1 exits when the command does, which ends every process left in
 * the PID namespace.
 *
 * The script is passed inline (`node -e`), so it works from a bundled ward as well.
 */

/** Inside the sandbox: where ward's proxy socket is bound. */
export const SANDBOX_PROXY_SOCKET = '/run/ward/proxy.sock';

/** Runs in the sandbox as `node -e FORWARDER_SCRIPT <socket path>`; prints its port. */
export const FORWARDER_SCRIPT = [
  "'use strict';",
  "const net = require('node:net');",
  'const socketPath = process.argv[1];',
  'const server = net.createServer((client) => {',
  '  const upstream = net.connect(socketPath);',
  '  const end = () => { client.destroy(); upstream.destroy(); };',
  "  client.on('error', end); upstream.on('error', end);",
  "  client.on('close', end); upstream.on('close', end);",
  '  client.pipe(upstream); upstream.pipe(client);',
  '});',
  "server.listen(0, '127.0.0.1', () => { process.stdout.write(server.address().port + '\\n'); });",
].join('\n');

/**
 * A bash script: `bash -c LAUNCHER ward-net NODE SCRIPT SOCKET COMMAND ARGS...`.
 * Exits 125 (with a message) when the forwarder does not start.
 */
export const LAUNCHER_SCRIPT = [
  'node=$1 script=$2 socket=$3',
  'shift 3',
  'exec 9< <( ("$node" -e "$script" "$socket" </dev/null 2>/dev/null 3>&- &) )',
  'if ! IFS= read -r port <&9 || [ -z "$port" ]; then',
  '  echo "ward: the sandbox network forwarder did not start ($node); network access is unavailable" >&2',
  '  exit 125',
  'fi',
  'exec 9<&-',
  'proxy=http://127.0.0.1:$port',
  'export HTTP_PROXY=$proxy HTTPS_PROXY=$proxy http_proxy=$proxy https_proxy=$proxy ALL_PROXY=$proxy all_proxy=$proxy',
  // The sandbox's own loopback (a dev server and its test client) is reached directly.
  'export NO_PROXY=localhost,127.0.0.1,::1 no_proxy=localhost,127.0.0.1,::1',
  'exec "$@"',
].join('\n');

/** The command line that runs `file args` behind the forwarder, inside the sandbox. */
export function behindForwarder(nodePath: string, file: string, args: readonly string[]): string[] {
  return ['bash', '-c', LAUNCHER_SCRIPT, 'ward-net', nodePath, FORWARDER_SCRIPT, SANDBOX_PROXY_SOCKET, file, ...args];
}

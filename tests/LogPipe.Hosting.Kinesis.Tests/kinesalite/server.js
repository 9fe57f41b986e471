// Runs kinesalite in memory on the loopback interface for the tests.
// kinesalite's own CLI binds every interface; tests may only use loopback, so this script
// listens on 127.0.0.1, on a port the OS picks, and prints it for the fixture to read.
'use strict'

const kinesalite = require('kinesalite')
const argv = require('minimist')(process.argv.slice(2))

function number(name, fallback) {
  return argv[name] == null ? fallback : Number(argv[name])
}

// No `path`: kinesalite then keeps everything in memdown (in memory), so no LevelDB native module.
// The delays are kinesalite's simulated CREATING/DELETING/UPDATING times: small, so tests are fast,
// but not zero, so tests still prove they wait for ACTIVE.
const server = kinesalite({
  createStreamMs: number('createStreamMs', 50),
  deleteStreamMs: number('deleteStreamMs', 50),
  updateStreamMs: number('updateStreamMs', 50),
  // The limit counts open shards across every stream in this server; tests share one server.
  shardLimit: number('shardLimit', 10000),
})

server.listen(number('port', 0), '127.0.0.1', () => {
  const address = server.address()
  console.log('listening %s:%d', address.address, address.port)
})

function stop() {
  server.close(() => process.exit(0))
  // Open keep-alive connections keep close() waiting; do not outlive the test run for them.
  setTimeout(() => process.exit(0), 1000).unref()
}

// The fixture holds our stdin open; when the test host goes away (even killed), stdin ends and
// we stop, so no orphaned server is left behind.
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

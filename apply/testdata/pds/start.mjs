// Starts a PLC directory (in memory) and the reference PDS (@atproto/pds) in dev mode for
// apply/bluesky_integration_test.go, both on 127.0.0.1 only. Environment: PDS_PORT (required),
// PDS_DATA (a fresh directory, required). Prints "READY <pds url> <plc url>" once both answer;
// exits when stdin closes or on SIGTERM/SIGINT.
import net from 'node:net'
import path from 'node:path'
import crypto from 'node:crypto'

// Neither server has a bind-address setting: both call listen(port). Bind every listen that names
// no host to 127.0.0.1.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && !args[0].path && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

const { PDS, envToCfg, envToSecrets, readEnv } = await import('@atproto/pds')
const plc = await import('@did-plc/server')

const port = Number(process.env.PDS_PORT)
const data = process.env.PDS_DATA
if (!port || !data) {
  console.error('start.mjs: set PDS_PORT and PDS_DATA')
  process.exit(2)
}

const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: 0 })
await plcServer.start()
const plcUrl = `http://127.0.0.1:${plcServer.server.address().port}`

const hex = () => crypto.randomBytes(32).toString('hex')
// A secp256k1 private key is any 32 bytes below the curve order: random bytes are, but for
// a negligible fraction.
const env = {
  ...readEnv(),
  devMode: true,
  port,
  hostname: 'localhost',
  dataDirectory: data,
  blobstoreDiskLocation: path.join(data, 'blobs'),
  didPlcUrl: plcUrl,
  jwtSecret: hex(),
  adminPassword: 'admin-pass',
  plcRotationKeyK256PrivateKeyHex: hex(),
  inviteRequired: false,
  serviceHandleDomains: ['.test'],
  crawlers: [],
  rateLimitsEnabled: false,
}
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()

const res = await fetch(`http://127.0.0.1:${port}/xrpc/_health`)
if (!res.ok) {
  console.error(`start.mjs: the PDS answers ${res.status} on /xrpc/_health`)
  process.exit(1)
}
const { version } = await res.json()
console.log(`READY http://127.0.0.1:${port} ${plcUrl} pds=${version} node=${process.version}`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  try {
    await pds.destroy()
    await plcServer.destroy()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()

import t from 'tap'
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { createSigner } from 'fast-jwt'
import { errorOf } from '@f1/service-kit/testing'
import { JWT_SECRET, build, register, uniqueEmail } from './helper.ts'

t.test('register creates a legacy-table profile with a hashed password and answers 201 with a token', async (t) => {
  const { app, tables } = await build(t)
  const email = uniqueEmail('Max.Verstappen')
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: 'correct horse battery', name: 'Max' },
  })
  t.equal(res.statusCode, 201)
  const { user_id: userId, token } = res.json()
  t.match(userId, /^[0-9a-f-]{36}$/)
  const { Item } = await tables.doc.send(new GetCommand({ TableName: tables.names.legacy, Key: { strategy_id: `USER#${userId}` } }))
  t.match(Item, { type: 'user', user_id: userId, email: email.toLowerCase(), name: 'Max', role: 'user' })
  t.match(Item?.password_hash, /^scrypt\$16384\$8\$1\$/)
  t.notMatch(JSON.stringify(Item), /correct horse/)
  const claims = app.jwt.decode<Record<string, unknown>>(token)
  t.match(claims, { sub: userId, email: email.toLowerCase(), role: 'user', iss: 'f1-race-sim', aud: 'f1-race-sim-api' })
  t.equal(Number(claims?.exp) - Number(claims?.iat), 3600, 'expires in one hour')
})

t.test('an email registered in another letter case is a 409 EMAIL_TAKEN', async (t) => {
  const { app } = await build(t)
  const email = uniqueEmail('lewis')
  await register(app, email)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: email.toUpperCase(), password: 'another password', name: 'L' },
  })
  t.equal(res.statusCode, 409)
  t.equal(errorOf(res).code, 'EMAIL_TAKEN')
})

t.test('10 concurrent registrations of one email create exactly one account', async (t) => {
  const { app, tables } = await build(t)
  const email = uniqueEmail('race')
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: i % 2 ? email.toUpperCase() : email, password: 'pw-long-enough', name: 'R' },
      }),
    ),
  )
  t.equal(results.filter((r) => r.statusCode === 201).length, 1, 'one winner')
  t.equal(results.filter((r) => r.statusCode === 409).length, 9, 'nine conflicts')
  const profiles = await tables.doc.send(
    new QueryCommand({
      TableName: tables.names.legacy,
      IndexName: 'email-index',
      KeyConditionExpression: 'email = :e',
      ExpressionAttributeValues: { ':e': email.toLowerCase() },
    }),
  )
  t.equal(profiles.Items?.filter((i) => i.type === 'user').length, 1)
})

t.test('an email held by a legacy profile (no lock item) cannot be registered again', async (t) => {
  const { app, tables } = await build(t)
  const email = uniqueEmail('legacy')
  const { PutCommand } = await import('@aws-sdk/lib-dynamodb')
  await tables.doc.send(
    new PutCommand({
      TableName: tables.names.legacy,
      Item: { strategy_id: 'USER#legacy-1', type: 'USER', user_id: 'legacy-1', email, created_at: '2021-03-04 10:00:00' },
    }),
  )
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: email.toUpperCase(), password: 'pw-long-enough', name: 'X' },
  })
  t.equal(res.statusCode, 409)
})

t.test('login returns a token for the right password, whatever the email letter case', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: user.email.toUpperCase(), password: user.password },
  })
  t.equal(res.statusCode, 200)
  t.equal(res.json().expires_in, 3600)
  t.equal(app.jwt.decode<{ sub: string }>(res.json().token)?.sub, user.userId)
})

t.test('a wrong password and an unknown email get the same 401', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'not the password' } })
  const unknown = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: uniqueEmail('nobody'), password: user.password },
  })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  t.same(wrong.json(), unknown.json())
  t.equal(errorOf(wrong).code, 'INVALID_CREDENTIALS')
})

t.test('a legacy profile without a password cannot log in', async (t) => {
  const { app, tables } = await build(t)
  const email = uniqueEmail('nopass')
  const { PutCommand } = await import('@aws-sdk/lib-dynamodb')
  await tables.doc.send(
    new PutCommand({ TableName: tables.names.legacy, Item: { strategy_id: 'USER#np', type: 'user', user_id: 'np', email } }),
  )
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'anything-at-all' } })
  t.equal(res.statusCode, 401)
})

const badRegistrations: Array<[string, { payload?: unknown; body?: string }, number, string]> = [
  ['malformed JSON', { body: '{"email": "a@b.co", ' }, 400, 'INVALID_JSON'],
  [
    'an unknown field',
    { payload: { email: 'x@example.com', password: 'long-enough', name: 'X', role: 'admin' } },
    400,
    'VALIDATION_FAILED',
  ],
  ['a wrong type', { payload: { email: 'x@example.com', password: 12345678, name: 'X' } }, 400, 'VALIDATION_FAILED'],
  ['a bad email', { payload: { email: 'not-an-email', password: 'long-enough', name: 'X' } }, 400, 'VALIDATION_FAILED'],
  ['a short password', { payload: { email: 'x@example.com', password: 'short', name: 'X' } }, 400, 'VALIDATION_FAILED'],
  [
    'an oversized body',
    { body: JSON.stringify({ email: 'x@example.com', password: 'long-enough', name: 'x'.repeat(2_000_000) }) },
    413,
    'PAYLOAD_TOO_LARGE',
  ],
]

for (const [what, input, status, code] of badRegistrations) {
  t.test(`register with ${what} answers ${status} ${code} and writes nothing`, async (t) => {
    const { app, tables } = await build(t)
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: input.body ?? JSON.stringify(input.payload),
    })
    t.equal(res.statusCode, status)
    t.equal(errorOf(res).code, code)
    const scan = await tables.doc.send(new ScanCommand({ TableName: tables.names.legacy, Select: 'COUNT' }))
    t.equal(scan.Count, 0)
  })
}

t.test('a token signed with another secret, issuer or audience, or with alg none, is refused', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const claims = { sub: user.userId, email: user.email, role: 'user' }
  const forged = [
    createSigner({ key: 'another-secret-another-secret-123456', iss: 'f1-race-sim', aud: 'f1-race-sim-api', expiresIn: 60_000 })(claims),
    createSigner({ key: JWT_SECRET, iss: 'someone-else', aud: 'f1-race-sim-api', expiresIn: 60_000 })(claims),
    createSigner({ key: JWT_SECRET, iss: 'f1-race-sim', aud: 'another-api', expiresIn: 60_000 })(claims),
    createSigner({ algorithm: 'none', iss: 'f1-race-sim', aud: 'f1-race-sim-api', expiresIn: 60_000 })(claims),
    createSigner({ key: JWT_SECRET, iss: 'f1-race-sim', aud: 'f1-race-sim-api' })(claims),
  ]
  for (const [i, token] of forged.entries()) {
    const res = await app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 401, `forged token ${i}`)
    t.equal(errorOf(res).code, 'UNAUTHORIZED')
  }
})

t.test('a missing, malformed or expired token is a 401', async (t) => {
  const { app } = await build(t)
  const user = await register(app)
  const expired = createSigner({ key: JWT_SECRET, iss: 'f1-race-sim', aud: 'f1-race-sim-api', expiresIn: 1 })({
    sub: user.userId,
    email: user.email,
    role: 'user',
  })
  await new Promise((resolve) => setTimeout(resolve, 20))
  for (const headers of [
    {},
    { authorization: 'Bearer' },
    { authorization: 'Bearer not.a.jwt' },
    { authorization: `Basic ${user.token}` },
    { authorization: `Bearer ${expired}` },
  ]) {
    const res = await app.inject({ url: '/api/users/me', headers })
    t.equal(res.statusCode, 401, JSON.stringify(headers).slice(0, 40))
    t.equal(errorOf(res).code, 'UNAUTHORIZED')
  }
})

import t from 'tap'
import { createRng, seedWord } from '../src/random.ts'

const u32 = (x: number) => x * 4294967296

t.test('a seed gives the same draws as it always has: a Monte Carlo study stays reproducible from its seed', async (t) => {
  const rng = createRng(1)
  t.strictSame([rng.next(), rng.next(), rng.next()].map(u32), [2049801877, 2839965546, 823784599])
  const stream = createRng(42, 7)
  t.strictSame([stream.next(), stream.next(), stream.next()].map(u32), [2934503300, 1261736714, 1710488918])
})

t.test('a string seed is hashed to 32 bits: the same text gives the same stream, another text another one', async (t) => {
  const draws = (seed: number | string, stream = 0) => {
    const rng = createRng(seed, stream)
    return Array.from({ length: 5 }, () => rng.next())
  }
  t.strictSame(draws('demo'), draws('demo'))
  t.strictSame(draws('demo', 3), draws(seedWord('demo'), 3), 'a text seed is its 32-bit word')
  t.not(draws('demo')[0], draws('demo2')[0])
  t.not(draws('demo')[0], draws('demo', 1)[0], 'each stream of a text seed is its own')
  t.equal(seedWord(7), 7, 'a whole number is its own word')
  t.equal(seedWord(2 ** 32 + 7), 7, 'modulo 2^32')
  t.not(seedWord('7'), 7, 'the text of a number is hashed like any text')
  t.not(seedWord(1.5), 1, 'a fraction is hashed, not truncated')
})

t.test('int, chance and pick stay in range and reach every value', async (t) => {
  const rng = createRng('range')
  const ints = new Set<number>()
  const picks = new Set<string>()
  let heads = 0
  for (let i = 0; i < 4000; i++) {
    ints.add(rng.int(-2, 3))
    picks.add(rng.pick(['a', 'b', 'c']))
    if (rng.chance(0.25)) heads += 1
  }
  t.strictSame([...ints].sort((a, b) => a - b), [-2, -1, 0, 1, 2, 3])
  t.strictSame([...picks].sort(), ['a', 'b', 'c'])
  t.ok(Math.abs(heads / 4000 - 0.25) < 0.03, `chance(0.25) came up ${heads} times in 4000`)
  t.notOk(createRng(5).chance(0), 'chance(0) never')
  t.ok(createRng(5).chance(1), 'chance(1) always')
})

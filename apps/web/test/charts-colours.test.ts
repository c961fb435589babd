// Colours that must hold across a result's charts: a driver's colour, the focus, the compounds.
import { describe, expect, test } from 'vitest'
import { compoundScale } from '../src/charts/compound-colours.ts'
import { DRIVER_PALETTE, driverColours, driverEmphasis, knownFocus } from '../src/charts/driver-colours.ts'

describe('driver colours', () => {
  test('a driver keeps his colour whatever order a chart lists the drivers in', () => {
    const a = driverColours(['VER', 'HAM', 'BOT', 'LEC'])
    const b = driverColours(['LEC', 'BOT', 'VER', 'HAM'])
    for (const d of ['VER', 'HAM', 'BOT', 'LEC']) expect(a.colour(d)).toBe(b.colour(d))
  })

  test('twenty drivers get twenty different colours', () => {
    const drivers = Array.from({ length: 20 }, (_, i) => `D${String(i).padStart(2, '0')}`)
    expect(new Set(drivers.map((d) => driverColours(drivers).colour(d))).size).toBe(20)
    expect(new Set(DRIVER_PALETTE).size).toBe(DRIVER_PALETTE.length)
  })

  test('the focus driver is drawn bold and the others faded; without a focus all alike', () => {
    expect(driverEmphasis('HAM', 'HAM').strokeWidth).toBeGreaterThan(driverEmphasis('BOT', 'HAM').strokeWidth)
    expect(driverEmphasis('HAM', 'HAM').opacity).toBeGreaterThan(driverEmphasis('BOT', 'HAM').opacity)
    expect(driverEmphasis('HAM', undefined)).toEqual(driverEmphasis('BOT', undefined))
  })

  test('a focus on a driver not in the result is ignored rather than fading everyone', () => {
    expect(knownFocus('XYZ', ['HAM', 'BOT'])).toBeUndefined()
    expect(knownFocus('HAM', ['HAM', 'BOT'])).toBe('HAM')
  })
})

describe('compound colours', () => {
  test('compounds are ordered hardest first, then intermediates and wets, unknown codes last in grey', () => {
    const scale = compoundScale(['W', 'A6', 'X9', 'A3', 'I', 'A3'])
    expect(scale.domain).toEqual(['A3', 'A6', 'I', 'W', 'X9'])
    expect(scale.range.at(-1)).toBe('#999999')
    expect(new Set(scale.range).size).toBe(5)
  })
})

import t from 'tap'
import { utcDay } from '@f1/tables/keys'
import {
  EPOCH_MS_THRESHOLD,
  nextUtcMidnight,
  parseLegacyCount,
  parseLegacyDuration,
  parseLegacyNumber,
  parseLegacyTimestamp,
  parseRaceClock,
  toIsoMs,
} from '@f1/legacy/timestamps'

const timestamps: Array<[string, unknown, string | undefined]> = [
  ['ISO with milliseconds and Z', '2024-03-01T11:00:00.123Z', '2024-03-01T11:00:00.123Z'],
  ['ISO without milliseconds', '2024-03-01T11:00:00Z', '2024-03-01T11:00:00.000Z'],
  ['ISO without a zone is UTC', '2024-03-01T11:00:00.5', '2024-03-01T11:00:00.500Z'],
  ['ISO without seconds', '2024-03-01T11:00Z', '2024-03-01T11:00:00.000Z'],
  ['a space instead of T is UTC', '2024-03-01 11:00:00', '2024-03-01T11:00:00.000Z'],
  ['a bare day is UTC midnight', '2024-03-01', '2024-03-01T00:00:00.000Z'],
  ['a positive offset is applied', '2024-03-01T11:00:00+02:00', '2024-03-01T09:00:00.000Z'],
  ['a negative offset without colon is applied', '2024-03-01T11:00:00-0530', '2024-03-01T16:30:00.000Z'],
  ['lower-case t and z are accepted', '2024-03-01t11:00:00z', '2024-03-01T11:00:00.000Z'],
  ['fractions beyond milliseconds are cut', '2024-03-01T11:00:00.123999Z', '2024-03-01T11:00:00.123Z'],
  ['a comma fraction is accepted', '2024-03-01T11:00:00,25Z', '2024-03-01T11:00:00.250Z'],
  ['surrounding blanks are ignored', '  2024-03-01T11:00:00Z ', '2024-03-01T11:00:00.000Z'],
  ['a leap day in a leap year is a date', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ['epoch seconds as a number', 1709290800, '2024-03-01T11:00:00.000Z'],
  ['epoch seconds with a fraction', 1709290800.25, '2024-03-01T11:00:00.250Z'],
  ['epoch seconds as a string', '1709290800', '2024-03-01T11:00:00.000Z'],
  ['epoch milliseconds as a number', 1709290800123, '2024-03-01T11:00:00.123Z'],
  ['epoch milliseconds as a string', '1709290800123', '2024-03-01T11:00:00.123Z'],
  ['just below the threshold is seconds (year 5138)', EPOCH_MS_THRESHOLD - 1, '5138-11-16T09:46:39.000Z'],
  ['the threshold itself is milliseconds (1973)', EPOCH_MS_THRESHOLD, '1973-03-03T09:46:40.000Z'],
  ['epoch zero is 1970', 0, '1970-01-01T00:00:00.000Z'],
  ['a valid Date stays', new Date('2024-03-01T11:00:00.000Z'), '2024-03-01T11:00:00.000Z'],
  ['the 30th of February is no date', '2023-02-30T10:00:00Z', undefined],
  ['a leap day in another year is no date', '2023-02-29', undefined],
  ['month 13 is no date', '2023-13-01', undefined],
  ['hour 24 is no time', '2023-01-01T24:00:00Z', undefined],
  ['minute 60 is no time', '2023-01-01 10:60:00', undefined],
  ['a day-first date is not guessed', '31/12/2023', undefined],
  ['words are no date', 'yesterday', undefined],
  ['a blank string is no date', '   ', undefined],
  ['letters among digits are no epoch', '17OO000000', undefined],
  ['a negative epoch is rejected', -1, undefined],
  ['a negative epoch string is rejected', '-1709290800', undefined],
  ['NaN is no date', Number.NaN, undefined],
  ['Infinity is no date', Number.POSITIVE_INFINITY, undefined],
  ['microseconds overflow the year 9999', 1709290800123456, undefined],
  ['years before 1970 are rejected', '1969-12-31T23:59:59Z', undefined],
  ['an invalid Date is rejected', new Date(Number.NaN), undefined],
  ['null is no date', null, undefined],
  ['a map is no date', { seconds: 1 }, undefined],
  ['an array is no date', [2024, 3, 1], undefined],
  ['a boolean is no date', true, undefined],
]

for (const [name, raw, expected] of timestamps) {
  t.test(`timestamp: ${name}`, async (t) => {
    const date = parseLegacyTimestamp(raw)
    t.equal(date === undefined ? undefined : toIsoMs(date), expected)
  })
}

const numbers: Array<[unknown, number | undefined]> = [
  [12, 12],
  ['12', 12],
  [' 5234.117 ', 5234.117],
  ['-3.5', -3.5],
  ['1e3', 1000],
  ['.5', 0.5],
  ['', undefined],
  ['12abc', undefined],
  ['0x10', undefined],
  ['1,234', undefined],
  ['Infinity', undefined],
  ['NaN', undefined],
  [Number.NaN, undefined],
  [null, undefined],
  [[1], undefined],
]

for (const [raw, expected] of numbers) {
  t.test(`number ${JSON.stringify(raw)} reads as ${expected}`, async (t) => {
    t.equal(parseLegacyNumber(raw), expected)
  })
}

const counts: Array<[unknown, number | undefined]> = [
  [12, 12],
  ['12', 12],
  ['12.0', 12],
  [0, 0],
  ['-0', 0],
  [-1, undefined],
  [2.5, undefined],
  ['lots', undefined],
  [1_000_000_000, 1_000_000_000],
  [1_000_000_001, undefined],
  [Number.MAX_SAFE_INTEGER, undefined],
  [undefined, undefined],
]

for (const [raw, expected] of counts) {
  t.test(`count ${JSON.stringify(raw)} reads as ${expected}`, async (t) => {
    t.equal(parseLegacyCount(raw), expected)
    if (expected === 0) t.ok(Object.is(parseLegacyCount(raw), 0), 'never -0')
  })
}

const clocks: Array<[unknown, number | undefined]> = [
  ['1:27:14.117', 5234.117],
  ['01:27:14.117', 5234.117],
  ['1:27:14', 5234],
  ['1:27:14.1', 5234.1],
  ['1:27:14.1179', 5234.117],
  ['27:14.117', 1634.117],
  ['87:14.117', 5234.117],
  ['1:7:14.117', 4034.117],
  ['1:60:00.000', undefined],
  ['1:27:61.000', undefined],
  ['5234.117', undefined],
  ['fast', undefined],
  [5234.117, undefined],
]

for (const [raw, expected] of clocks) {
  t.test(`race clock ${JSON.stringify(raw)} is ${expected} s`, async (t) => {
    t.equal(parseRaceClock(raw), expected)
  })
}

const durations: Array<[unknown, number | undefined]> = [
  [5234.117, 5234.117],
  ['5234.117', 5234.117],
  ['1:27:14.117', 5234.117],
  [0, 0],
  [-5, undefined],
  ['-5', undefined],
  ['fast', undefined],
  [null, undefined],
]

for (const [raw, expected] of durations) {
  t.test(`duration ${JSON.stringify(raw)} is ${expected} s`, async (t) => {
    t.equal(parseLegacyDuration(raw), expected)
  })
}

t.test('the UTC day and the next midnight cross month, year and leap-day boundaries', async (t) => {
  t.equal(utcDay(new Date('2024-03-01T23:59:59.999Z')), '2024-03-01')
  t.equal(nextUtcMidnight('2024-03-01'), '2024-03-02T00:00:00.000Z')
  t.equal(nextUtcMidnight('2024-02-28'), '2024-02-29T00:00:00.000Z')
  t.equal(nextUtcMidnight('2024-02-29'), '2024-03-01T00:00:00.000Z')
  t.equal(nextUtcMidnight('2024-12-31'), '2025-01-01T00:00:00.000Z')
})

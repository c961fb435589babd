// Today's use of each feature against the plan's limit, and when it resets. The compact form (in
// the header) shows the requests meter only.
import { useQuery } from '@tanstack/react-query'
import { api, body } from '../api/client.ts'
import { featureName, waitText } from '../api/errors.ts'

export const USAGE_KEY = ['usage'] as const

export function useUsage() {
  return useQuery({ queryKey: USAGE_KEY, queryFn: () => body(api.GET('/api/users/usage')), refetchInterval: 30_000 })
}

export function UsageMeter({ compact = false }: { compact?: boolean }) {
  const { data } = useUsage()
  if (!data) return null
  const features = compact ? data.features.filter((f) => f.feature === 'api_request') : data.features
  const resetS = (Date.parse(data.reset_date) - Date.now()) / 1000
  return (
    <div className={compact ? 'meters compact' : 'meters'}>
      {features.map((f) => {
        const unlimited = f.limit_value <= 0
        return (
          <div className="meter" key={f.feature} data-feature={f.feature}>
            <label htmlFor={`meter-${f.feature}`}>
              {featureName(f.feature)}: <span className="count">{f.usage_count.toLocaleString()}</span>
              {unlimited ? ' (not in your plan)' : ` of ${f.limit_value.toLocaleString()}`}
            </label>
            {!unlimited && <meter id={`meter-${f.feature}`} min={0} max={f.limit_value} high={f.limit_value * 0.9} value={f.usage_count} />}
          </div>
        )
      })}
      {!compact && <p className="hint">Resets {waitText(resetS)}, at midnight UTC.</p>}
    </div>
  )
}

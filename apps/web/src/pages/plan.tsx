// The plan and today's usage against it; upgrading goes through Stripe Checkout (locally, the
// stack's checkout double) and comes back here, where the new limits show once Stripe's webhook
// has been applied.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useSearchParams } from 'react-router'
import { api, body } from '../api/client.ts'
import { featureName } from '../api/errors.ts'
import { ErrorNotice } from '../components/error-notice.tsx'
import { UsageMeter, USAGE_KEY } from '../components/usage-meter.tsx'

const SUBSCRIPTION_KEY = ['subscription'] as const

export function PlanPage() {
  const queries = useQueryClient()
  const [params, setParams] = useSearchParams()
  const returned = params.get('checkout')
  const plans = useQuery({ queryKey: ['plans'], queryFn: () => body(api.GET('/api/plans')), staleTime: Infinity })
  const subscription = useQuery({
    queryKey: SUBSCRIPTION_KEY,
    queryFn: () => body(api.GET('/api/users/subscription')),
    // Back from a paid checkout: the plan changes when Stripe's webhook arrives, seconds later.
    refetchInterval: returned === 'success' ? 1_000 : false,
  })
  const current = subscription.data?.effective_plan_id
  const wanted = params.get('plan')

  useEffect(() => {
    if (returned === 'success' && wanted && current === wanted) {
      void queries.invalidateQueries({ queryKey: USAGE_KEY })
      setParams({ upgraded: wanted }, { replace: true })
    }
  }, [returned, wanted, current, queries, setParams])

  const checkout = useMutation({
    mutationFn: async (planId: 'pro' | 'team') => {
      const here = `${window.location.origin}/plan`
      return body(
        api.POST('/api/users/subscription/checkout', {
          body: { plan_id: planId, success_url: `${here}?checkout=success&plan=${planId}`, cancel_url: `${here}?checkout=cancelled` },
          headers: { 'idempotency-key': crypto.randomUUID() },
        }),
      )
    },
    onSuccess: ({ checkout_url }) => window.location.assign(checkout_url),
  })

  return (
    <section aria-labelledby="plan-title">
      <h1 id="plan-title">Plan and usage</h1>
      {returned === 'success' && current !== wanted && (
        <p className="notice" role="status">
          Payment received; waiting for your new plan to be confirmed…
        </p>
      )}
      {params.get('upgraded') && (
        <p className="notice success" role="status">
          You are now on the {params.get('upgraded')} plan. Your new limits apply at once.
        </p>
      )}
      {returned === 'cancelled' && <p className="notice">Checkout cancelled; nothing changed.</p>}
      <ErrorNotice error={subscription.error ?? plans.error ?? checkout.error} onRetry={() => void subscription.refetch()} />

      <h2>Today</h2>
      <UsageMeter />

      <h2>Plans</h2>
      <div className="plans">
        {plans.data?.plans.map((plan) => (
          <article
            key={plan.id}
            className={plan.id === current ? 'plan current' : 'plan'}
            aria-current={plan.id === current ? 'true' : undefined}
          >
            <h3>
              {plan.name}
              {plan.id === current && <span className="badge">your plan</span>}
            </h3>
            <ul>
              {Object.entries(plan.limits).map(([feature, limit]) => (
                <li key={feature}>
                  {limit > 0 ? `${limit.toLocaleString()} ${featureName(feature)} a day` : `No ${featureName(feature)}`}
                </li>
              ))}
            </ul>
            {plan.id !== 'free' && plan.id !== current && (
              <button className="primary" onClick={() => checkout.mutate(plan.id as 'pro' | 'team')} disabled={checkout.isPending}>
                Upgrade to {plan.name}
              </button>
            )}
          </article>
        ))}
      </div>
    </section>
  )
}

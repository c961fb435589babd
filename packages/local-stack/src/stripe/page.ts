// The hosted checkout page of the local Stripe double: plain, accessible HTML, no script.

export const CHECKOUT_PAGE_TITLE = 'Test checkout (local Stripe double)'

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** "$19.00" for 1900 usd. */
export function formatAmount(unitAmount: number, currency: string): string {
  const code = currency.toUpperCase()
  try {
    const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: code }).format(unitAmount / 10 ** digits)
  } catch {
    return `${(unitAmount / 100).toFixed(2)} ${code}`
  }
}

function layout(heading: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)} - ${CHECKOUT_PAGE_TITLE}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f8fa; color: #1a1a1a; }
  main { max-width: 28rem; margin: 3rem auto; padding: 2rem; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; }
  .badge { display: inline-block; padding: 0.15rem 0.5rem; border-radius: 4px; background: #fff3cd; color: #5c4400; font-weight: 600; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 0.4rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  button { font: inherit; padding: 0.6rem 1.4rem; border: 0; border-radius: 6px; background: #0a58ca; color: #fff; cursor: pointer; }
  button:focus-visible, a:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
  a { color: #0a58ca; }
  .actions { display: flex; gap: 1.5rem; align-items: center; margin-top: 1.5rem; }
  .note { color: #444; font-size: 0.9rem; }
</style>
</head>
<body>
<main>
<p><span class="badge">Test mode</span></p>
<h1>${escapeHtml(heading)}</h1>
${body}
<p class="note">${CHECKOUT_PAGE_TITLE}: no card and no money; paying sends the webhooks Stripe would send.</p>
</main>
</body>
</html>
`
}

export interface CheckoutPageInput {
  sessionId: string
  productName: string
  priceId: string
  amount: string
  interval: string
  email?: string | undefined
  status: 'open' | 'complete'
  successUrl: string
  hasCancel: boolean
}

export function checkoutPage(input: CheckoutPageInput): string {
  const id = encodeURIComponent(input.sessionId)
  const details = `<dl>
  <dt>Plan</dt><dd>${escapeHtml(input.productName)}</dd>
  <dt>Price</dt><dd><code>${escapeHtml(input.priceId)}</code></dd>
  <dt>Amount</dt><dd>${escapeHtml(input.amount)} per ${escapeHtml(input.interval)}</dd>
  ${input.email ? `<dt>Email</dt><dd>${escapeHtml(input.email)}</dd>` : ''}
</dl>`
  if (input.status === 'complete') {
    return layout(
      `Paid: ${input.productName}`,
      `${details}
<p role="status">This checkout is complete.</p>
<p><a href="${escapeHtml(input.successUrl)}">Continue</a></p>`,
    )
  }
  return layout(
    `Subscribe to ${input.productName}`,
    `<p>${escapeHtml(input.amount)} per ${escapeHtml(input.interval)}</p>
${details}
<form method="post" action="/checkout/${id}/pay">
  <div class="actions">
    <button type="submit">Pay (test mode)</button>
    ${input.hasCancel ? `<a href="/checkout/${id}/cancel">Cancel</a>` : ''}
  </div>
</form>`,
  )
}

export function notFoundPage(sessionId: string): string {
  return layout(
    'Checkout not found',
    `<p>No checkout session <code>${escapeHtml(sessionId)}</code> in this local Stripe double (it keeps its objects in memory: a restart forgets them).</p>`,
  )
}

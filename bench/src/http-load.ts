// The load generator's HTTP client: one keep-alive undici Pool per origin, so the bench spends as
// little of the shared cores as it can on its own side of each request.
import { Pool } from 'undici'

export interface Hit {
  method?: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
}

export class LoadClient {
  private readonly pools = new Map<string, Pool>()

  /** Sends one request and returns its status (the body is read and dropped). */
  async status(origin: string, hit: Hit): Promise<number> {
    const res = await this.send(origin, hit)
    await res.body.dump()
    return res.statusCode
  }

  /** Sends one request and returns its JSON body, or throws naming the status. */
  async json<T>(origin: string, hit: Hit): Promise<T> {
    const res = await this.send(origin, hit)
    const text = await res.body.text()
    if (res.statusCode >= 300) throw new Error(`${hit.method ?? 'GET'} ${hit.path} answered ${res.statusCode}: ${text.slice(0, 300)}`)
    return JSON.parse(text) as T
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()))
  }

  private send(origin: string, hit: Hit) {
    return this.pool(origin).request({
      method: hit.method ?? 'GET',
      path: hit.path,
      headers: hit.body === undefined ? hit.headers : { 'content-type': 'application/json', ...hit.headers },
      body: hit.body,
    })
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin)
    if (!pool) {
      pool = new Pool(origin, { connections: 64 })
      this.pools.set(origin, pool)
    }
    return pool
  }
}

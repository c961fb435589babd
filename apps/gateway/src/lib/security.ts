// The OpenAPI security of a signed-in route: a bearer token, or the web console's session cookie
// (both checked by app.authenticate, plugins/auth.ts).
export const SIGNED_IN: ReadonlyArray<Readonly<Record<string, readonly string[]>>> = [{ bearerAuth: [] }, { sessionCookie: [] }]

// Types of bundle.mjs (plain JavaScript: a build must not need the TypeScript loader it replaces).

/** Bundles `entries` (paths in `appDir`) into `appDir/dist`, plus the files every app's image needs. */
export function bundleApp(appDir: string, entries: string[]): Promise<void>

/** `@aws-sdk/lib-dynamodb/x` -> `@aws-sdk/lib-dynamodb`. */
export function packageName(specifier: string): string

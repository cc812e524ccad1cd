// /openapi.json, fetched once: the command panel builds its forms from the OCPP request schemas in it.
let cached: Promise<unknown> | undefined;

export function loadOpenApi(): Promise<unknown> {
  cached ??= fetch('/openapi.json').then(async (res) => {
    if (!res.ok) throw new Error(`/openapi.json answered HTTP ${res.status}; the command forms need it`);
    return res.json() as Promise<unknown>;
  });
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** Tests: forget the cached document. */
export function resetOpenApiCache(): void {
  cached = undefined;
}

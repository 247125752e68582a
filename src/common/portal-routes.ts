/** Routes of the portal: sessions come from the cookie there, and nowhere else (the JSON API takes bearer tokens only). */
export const isPortalRoute = (url: string | undefined): boolean =>
  url === '/app' || (url?.startsWith('/app/') ?? false);

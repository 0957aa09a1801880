/** Request header proxy.ts sets to the requested path and query, for the sign-in page's "come back here". */
export const REQUESTED_PATH_HEADER = "x-opsdeck-requested-path";

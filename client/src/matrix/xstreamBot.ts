/**
 * The `@xstream` bot of the signed-in learner's own homeserver, which creates every partner room
 * (`@xstream:<server_name>`, the server name taken from the learner's own Matrix ID).
 */
export function botUserIdFor(myUserId: string): string | null {
  const colon = myUserId.indexOf(":");
  return colon > 0 ? `@xstream${myUserId.slice(colon)}` : null;
}

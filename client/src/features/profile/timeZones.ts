/** IANA time zones for the picker, grouped by region ("Europe", "America"…). */
export type TimeZoneGroup = { region: string; zones: string[] };

/** The browser's own zone, e.g. `Europe/Madrid`; UTC if it does not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

let supported: string[] | undefined;

function supportedTimeZones(): string[] {
  if (supported === undefined) {
    try {
      supported = Intl.supportedValuesOf("timeZone");
    } catch {
      supported = [];
    }
  }
  return supported;
}

/**
 * Every zone the browser knows, grouped by region, plus UTC (which browsers leave out of their
 * list) and `current` (an alias such as `Asia/Calcutta` saved earlier), so the select can show it.
 */
export function timeZoneGroups(current: string): TimeZoneGroup[] {
  const zones = new Set(supportedTimeZones());
  zones.add("UTC");
  if (current !== "") zones.add(current);
  const groups = new Map<string, string[]>();
  for (const zone of [...zones].sort()) {
    const slash = zone.indexOf("/");
    const region = slash === -1 ? "Universal" : zone.slice(0, slash);
    const group = groups.get(region) ?? [];
    group.push(zone);
    groups.set(region, group);
  }
  const universal = groups.get("Universal");
  groups.delete("Universal");
  const regions = [...groups].map(([region, list]) => ({ region, zones: list }));
  return universal ? [{ region: "Universal", zones: universal }, ...regions] : regions;
}

/** How a zone reads in the picker: `America/New_York` → "America/New York". */
export function timeZoneLabel(zone: string): string {
  return zone.replaceAll("_", " ");
}

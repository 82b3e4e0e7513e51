/** Someone in the room as the timeline names (and pictures) them. */
export type Person = {
  userId: string;
  name: string;
  /** Their `mxc://` avatar, when they set one (and it is known). */
  avatarUrl?: string | null;
};

const list = new Intl.ListFormat("en", { style: "long", type: "conjunction" });

/** "Ana", "Ana and Ben", "Ana, Ben and Carla". */
export function namesList(names: string[]): string {
  // Intl's English list has an Oxford comma; the app's copy does not.
  return list.format(names).replace(/, and /, " and ");
}

/** The typing line: "", "Ana is typing…", "Ana and Ben are typing…", "Ana, Ben and 2 others are typing…". */
export function typingLine(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length <= 3) return `${namesList(names)} are typing…`;
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} others are typing…`;
}

/** A compact built-in set of common emoji for the reaction picker, with names to search by. */
export type EmojiChoice = { emoji: string; name: string };

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "🎉"] as const;

export const EMOJI: EmojiChoice[] = [
  { emoji: "👍", name: "thumbs up" },
  { emoji: "👎", name: "thumbs down" },
  { emoji: "❤️", name: "red heart" },
  { emoji: "😂", name: "face with tears of joy" },
  { emoji: "😮", name: "face with open mouth" },
  { emoji: "🎉", name: "party popper" },
  { emoji: "😀", name: "grinning face" },
  { emoji: "😃", name: "grinning face with big eyes" },
  { emoji: "😄", name: "grinning face with smiling eyes" },
  { emoji: "😁", name: "beaming face" },
  { emoji: "😅", name: "grinning face with sweat" },
  { emoji: "🤣", name: "rolling on the floor laughing" },
  { emoji: "🙂", name: "slightly smiling face" },
  { emoji: "😉", name: "winking face" },
  { emoji: "😊", name: "smiling face with smiling eyes" },
  { emoji: "😇", name: "smiling face with halo" },
  { emoji: "🥰", name: "smiling face with hearts" },
  { emoji: "😍", name: "smiling face with heart eyes" },
  { emoji: "😘", name: "face blowing a kiss" },
  { emoji: "😋", name: "face savoring food" },
  { emoji: "😜", name: "winking face with tongue" },
  { emoji: "🤔", name: "thinking face" },
  { emoji: "🤗", name: "hugging face" },
  { emoji: "🤩", name: "star struck" },
  { emoji: "😎", name: "smiling face with sunglasses" },
  { emoji: "🥳", name: "partying face" },
  { emoji: "😏", name: "smirking face" },
  { emoji: "😐", name: "neutral face" },
  { emoji: "🙄", name: "face with rolling eyes" },
  { emoji: "😬", name: "grimacing face" },
  { emoji: "😴", name: "sleeping face" },
  { emoji: "😢", name: "crying face" },
  { emoji: "😭", name: "loudly crying face" },
  { emoji: "😱", name: "face screaming in fear" },
  { emoji: "😳", name: "flushed face" },
  { emoji: "😡", name: "angry face" },
  { emoji: "🤯", name: "exploding head" },
  { emoji: "🥺", name: "pleading face" },
  { emoji: "🙏", name: "folded hands please thank you" },
  { emoji: "👏", name: "clapping hands" },
  { emoji: "🙌", name: "raising hands" },
  { emoji: "👋", name: "waving hand hello" },
  { emoji: "👌", name: "ok hand" },
  { emoji: "✌️", name: "victory hand" },
  { emoji: "🤝", name: "handshake" },
  { emoji: "💪", name: "flexed biceps strong" },
  { emoji: "👀", name: "eyes" },
  { emoji: "🧠", name: "brain" },
  { emoji: "🔥", name: "fire" },
  { emoji: "✨", name: "sparkles" },
  { emoji: "⭐", name: "star" },
  { emoji: "💯", name: "hundred points" },
  { emoji: "✅", name: "check mark done" },
  { emoji: "❌", name: "cross mark" },
  { emoji: "❓", name: "question mark" },
  { emoji: "💡", name: "light bulb idea" },
  { emoji: "📚", name: "books study" },
  { emoji: "✏️", name: "pencil" },
  { emoji: "🌍", name: "globe earth world" },
  { emoji: "☕", name: "hot beverage coffee" },
  { emoji: "🍕", name: "pizza" },
  { emoji: "💬", name: "speech balloon" },
];

/** The emoji whose name contains every word of the query, in list order. */
export function searchEmoji(query: string): EmojiChoice[] {
  const words = query.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return EMOJI;
  return EMOJI.filter((choice) => words.every((word) => choice.name.includes(word)));
}

export function emojiName(emoji: string): string {
  return EMOJI.find((choice) => choice.emoji === emoji)?.name ?? emoji;
}

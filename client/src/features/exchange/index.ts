// What other features and the widget page may use of exchange/ (the import-boundary check allows
// nothing else). The panel is one implementation for two hosts: the web client's room page (with
// `MatrixExchangePort`) and the widget page inside Element (with its own ExchangeRoomPort).

export { PROMPTS, promptsFor } from "./conversationPrompts";
export { ExchangePanel, type ExchangePanelProps } from "./ExchangePanel";
export {
  type ExchangeSnapshot,
  ExchangeViewModel,
  type ExchangeViewModelOptions,
} from "./ExchangeViewModel";
export type {
  ExchangeCapability,
  ExchangeEvent,
  ExchangeRoomPort,
  FetchExchangePeople,
  OpenIdToken,
} from "./exchangePort";
export { MatrixExchangePort } from "./matrixRoomPort";
export { formatRemaining, readPracticeTimer, ServerClock, timerPhase } from "./practiceTimer";
export { ExchangeTimerLine, TimerLine } from "./TimerParts";
export { useExchange, useExchangeViewModel, useExchangeWithPeople } from "./useExchange";

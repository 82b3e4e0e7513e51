// What other features may use of corrections/ (the import-boundary check allows nothing else).

export { CorrectionView } from "./CorrectionView";
export { correctionDiff, isUnchanged } from "./correctionDiff";
export { buildCorrectionContent, type CorrectionContent } from "./correctionEvent";

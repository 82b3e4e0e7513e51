// What other features may use of media/ (the import-boundary check allows nothing else).

export { AttachmentButton } from "./AttachmentButton";
export { AudioMessage } from "./AudioMessage";
export { FileMessage } from "./FileMessage";
export { ImageMessage } from "./ImageMessage";
export { UploadRow } from "./UploadRow";
export { useFileDrop } from "./useFileDrop";
export { useUploads } from "./useUploads";
export { VideoMessage } from "./VideoMessage";
export { VoiceRecorder } from "./VoiceRecorder";
export type { RecordingEnvironment } from "./VoiceRecording";

// Public API of the diagnostics layer: the per-call model (live or imported),
// its findings, trace import and export, and the terminal report. The stream's
// vocabulary (events, timer names, finding codes) is trace/'s.
export type {
  CallModel, DialogModel, Endpoint, Finding, MessageDirection, Severity, StateChange, TimerRecord,
  TraceMessage, TraceModel, TransactionModel,
  CallMedia, MediaAddress, MediaFlowSummary, MediaSample, MediaSampleCounters, MediaTransportHistory, MediaWay, RtpStreamSummary,
} from './model-types.js';
export { CATALOGUE as FINDING_CATALOGUE } from './findings/catalogue.js';
export type { FindingEntry } from './findings/catalogue.js';
export type { FindingOptions } from './findings/run-findings.js';
export { buildTraceModel } from './model-builder.js';
export type { BuildInput, MessageInput, StreamTransaction } from './model-builder.js';
export { DESK_PHONE_LIMITS, LISTEN_LIMITS, LiveRecorder } from './live-recorder.js';
export type { FinishedCall, LiveRecorderLimits, LiveRecorderOptions, LiveRecorderStats } from './live-recorder.js';
export { importTrace, detectTraceFormat } from './import/trace-import.js';
export type { ImportOptions, TraceFormat, TraceImport, TraceImportOptions } from './import/trace-import.js';
export { exportPcap } from './export/pcap-export.js';
export type { PcapExportOptions } from './export/pcap-export.js';
export { exportText } from './export/text-export.js';
export type { TextExportOptions } from './export/text-export.js';
export { exportJson, modelToJson, JSON_EXPORT_VERSION } from './export/json-export.js';
export type { ExportSelection } from './export/select.js';
export { formatReport, formatCall } from './report.js';
export type { ReportOptions } from './report.js';

// The evidence a failed check carries: the exchanges as they went over the wire, redacted; the sequence
// that led to the deciding one; a curl replay with secrets as environment variables.
export { curlReproduction } from './curl';
export { recordedOf, type Recorded } from './recorded';
export { evidenceOf, type Evidence, type EvidenceBody, type EvidenceExchange } from './render';
export { secretVariables, type SecretVariable } from './secrets';
export { ExchangeLog, sequenceOf } from './sequence';

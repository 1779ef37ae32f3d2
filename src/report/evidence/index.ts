// The evidence a failed check carries: the exchanges as they went over the wire, redacted; the sequence
// that led to the deciding one; a curl replay with secrets as environment variables.
export { curlReproduction, type ReproductionSecrets } from './curl';
export { recordedOf, type Recorded } from './recorded';
export { evidenceOf, requestEvidence, responseEvidence, type Evidence, type EvidenceBody, type EvidenceExchange, type EvidenceRequest, type EvidenceResponse } from './render';
export { CREDENTIAL_VARIABLES, HANDED_OUT_TOKEN_VARIABLES, secretVariables, type SecretVariable } from './secrets';
export { ExchangeLog, sequenceOf } from './sequence';

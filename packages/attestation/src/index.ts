export { anchorsDigest, type ChainAnchor } from './anchorsDigest.js'
export { xmarginDigest } from './digest.js'
export { xmarginDomain } from './domain.js'
export {
  BelowThresholdError,
  InvalidSignaturesError,
  MalformedSignatureError,
  QuorumRefusedError,
  QuorumTimeoutError,
  SignaturesUnsortedError,
  StaleEpochError,
  UnknownSignerError,
} from './errors.js'
export { packSignatures, type SignerSignature, unpackSignatures } from './packSignatures.js'
export { canonicalJson, paramsHash } from './paramsHash.js'
export {
  type CreateQuorumParameters,
  createQuorum,
  type Quorum,
  randomNodeId,
  type SigningRequest,
} from './quorum/createQuorum.js'
export { applyRotation, signerSetUpdate } from './rotation.js'
export {
  accountHealthWire,
  domainWire,
  instrumentMarkWire,
  marginPermitWire,
  messageWire,
  signerSetUpdateWire,
  toWire,
} from './schemas.js'
export { signXmargin } from './sign.js'
export { typeHash, typeString } from './typeHash.js'
export {
  type AccountHealth,
  type InstrumentMark,
  type MarginPermit,
  PermitAction,
  type SignerSet,
  type SignerSetUpdate,
  type XmarginDomain,
  type XmarginMessage,
  type XmarginPrimaryType,
  xmarginTypes,
} from './types.js'
export { type SignerSets, type VerifyQuorumParameters, verifyQuorum } from './verifyQuorum.js'

/**
 * What ReverseReplicationRelationship checks in the settings it is given, and what it keeps of them. Microsoft's
 * sample (Windows-classic-samples `Samples/Hyper-V/Replica/cs/ManageReplication.cs`) reverses with the settings read
 * and then: "Simply reverse the recovery server name with that of primary, other properties are already
 * populated." So the new RecoveryConnectionPoint must name the other site; and `Set-VMReplication
 * -CertificateThumbprint` asks for "a valid computer certificate from the Personal store" of the sending side, so
 * under certificate authentication the thumbprint must be this site's own. The sample leaves PrimaryConnectionPoint as
 * it was (the old primary's), so the host is taken to set it to its own name. Every check and the answer for a
 * failed one, 32773 Invalid parameter (the state is right, the settings parameter is not), are inferred.
 */
import { formatEmbeddedInstance, parseEmbeddedInstance, withPropertyValues } from "../../cim";
import { sameText } from "../constants";
import { partnerOf } from "./pair";
import { parseSettings } from "../model/settingData";
import type { SimState, StoredCollection } from "../store/state";

const CERTIFICATE = 2;

/** The replica's own connection point: as seeded, else the recovery side its settings name (it is the replica). */
function ownConnectionPoint(replica: StoredCollection): string | undefined {
  if (replica.connectionPoint !== undefined) return replica.connectionPoint;
  const held = parseSettings(replica.settings ?? "").RecoveryConnectionPoint;
  return typeof held === "string" ? held : undefined;
}

/** The other site's connection point: the partner's as seeded, else the primary side the settings name. */
function otherConnectionPoint(state: SimState, replica: StoredCollection): string | undefined {
  const seeded = partnerOf(state, replica)?.connectionPoint;
  if (seeded !== undefined) return seeded;
  const held = parseSettings(replica.settings ?? "").PrimaryConnectionPoint;
  return typeof held === "string" ? held : undefined;
}

/**
 * Whether `text` can reverse `collection` (a committed replica): an instance whose RecoveryConnectionPoint is the
 * other site, and whose CertificateThumbPrint is this site's own under certificate authentication. What the
 * simulator does not know (a collection seeded without settings or certificate) is not checked.
 */
export function reversedSettingsFit(state: SimState, collection: StoredCollection, text: string): boolean {
  if (parseEmbeddedInstance(text) === undefined) return false;
  const sent = parseSettings(text);
  const other = otherConnectionPoint(state, collection);
  const recovery = sent.RecoveryConnectionPoint;
  if (other !== undefined && !(typeof recovery === "string" && sameText(recovery, other))) return false;
  if (sent.AuthenticationType !== CERTIFICATE || collection.certificateThumbprint === undefined) return true;
  const thumbprint = sent.CertificateThumbPrint;
  return typeof thumbprint === "string" && sameText(thumbprint, collection.certificateThumbprint);
}

/**
 * The settings the reversed relationship holds: as sent, with PrimaryConnectionPoint this site's own name. Called
 * while the collection still holds the settings it had as a replica.
 */
export function settingsAfterReverse(replica: StoredCollection, text: string): string {
  const instance = parseEmbeddedInstance(text);
  const own = ownConnectionPoint(replica);
  if (!instance || own === undefined) return text;
  return formatEmbeddedInstance(withPropertyValues(instance, { PrimaryConnectionPoint: own }));
}

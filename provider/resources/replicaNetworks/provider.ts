/** ReplicaNetworks' dynamic provider object: the shared one, bound to this resource type (see ../dynamicProvider.ts). */
import { dynamicProviderFor } from "../dynamicProvider";

export const replicaNetworksProvider = dynamicProviderFor("ReplicaNetworks");

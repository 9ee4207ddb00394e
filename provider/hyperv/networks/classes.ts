/**
 * The classes a VM's network adapters are read and written through, all in root\virtualization\v2, and the CIM types
 * of the properties written back (from each page's MOF, so a property goes back with the type it came with).
 *
 * Documented (MicrosoftDocs/win32 desktop-src/HyperV_v2):
 * - msvm-ethernetportallocationsettingdata.md: the class "Represents an allocation request for a static or dynamic
 *   switch port, or represents the active configuration of a currently allocated static or dynamic switch port";
 *   InstanceID "is always set to "Microsoft:GUID\DeviceSpecificData""; HostResource: "set the first element of the
 *   HostResource array to contain a reference to the underlying host resource to be assigned"; TestReplicaSwitchName
 *   (Read/write) "Specifies the display name of the virtual network switch to which a connection will be allocated
 *   for the test replica system when it is created"; Namespace Root\Virtualization\V2.
 * - msvm-failovernetworkadaptersettingdata.md: "Represents the settings for a network adapter within the guest
 *   operating system, which will be applied at the time of a failover"; ProtocolIFType 4096 IPv4, 4097 IPv6, 4098
 *   IPv4/v6; Subnets: "Each element in this array applies to the corresponding element in the IPAddresses array";
 *   DefaultGateways: "The maximum number of default IP gateways that may be configured on a single network adapter is
 *   five".
 * - msvm-ethernetportfailoversettingdatacomponent.md: the association from a CIM_ResourceAllocationSettingData
 *   (GroupComponent) to its Msvm_FailoverNetworkAdapterSettingData (PartComponent).
 */
export const NETWORK_CLASS = {
  port: "Msvm_SyntheticEthernetPortSettingData",
  connection: "Msvm_EthernetPortAllocationSettingData",
  failover: "Msvm_FailoverNetworkAdapterSettingData",
  failoverOfPort: "Msvm_EthernetPortFailoverSettingDataComponent",
  switch: "Msvm_VirtualEthernetSwitch",
  managementService: "Msvm_VirtualSystemManagementService",
  replicationService: "Msvm_ReplicationService",
  computerSystem: "Msvm_ComputerSystem",
} as const;

/** ProtocolIFType values, as msvm-failovernetworkadaptersettingdata.md lists them. */
export const PROTOCOL = { ipv4: 4096, ipv6: 4097, both: 4098 } as const;

/** The MOF of msvm-ethernetportallocationsettingdata.md, property by property. */
export const CONNECTION_TYPES: Readonly<Record<string, string>> = {
  InstanceID: "string",
  Caption: "string",
  Description: "string",
  ElementName: "string",
  ResourceType: "uint16",
  OtherResourceType: "string",
  ResourceSubType: "string",
  PoolID: "string",
  ConsumerVisibility: "uint16",
  HostResource: "string",
  AllocationUnits: "string",
  VirtualQuantity: "uint64",
  Reservation: "uint64",
  Limit: "uint64",
  Weight: "uint32",
  AutomaticAllocation: "boolean",
  AutomaticDeallocation: "boolean",
  Parent: "string",
  Connection: "string",
  Address: "string",
  MappingBehavior: "uint16",
  AddressOnParent: "string",
  VirtualQuantityUnits: "string",
  DesiredVLANEndpointMode: "uint16",
  OtherEndpointMode: "string",
  EnabledState: "uint16",
  LastKnownSwitchName: "string",
  RequiredFeatures: "string",
  RequiredFeatureHints: "string",
  TestReplicaPoolID: "string",
  TestReplicaSwitchName: "string",
  CompartmentGuid: "string",
};

/** The MOF of msvm-failovernetworkadaptersettingdata.md. */
export const FAILOVER_TYPES: Readonly<Record<string, string>> = {
  InstanceID: "string",
  Caption: "string",
  Description: "string",
  ElementName: "string",
  ProtocolIFType: "uint16",
  DHCPEnabled: "boolean",
  IPAddresses: "string",
  Subnets: "string",
  DefaultGateways: "string",
  DNSServers: "string",
};

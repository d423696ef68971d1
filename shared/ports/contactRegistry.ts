export interface PersonContact {
  nationalIdentityNumber: string;
  name?: string;
  email?: string;
  mobileNumber?: string;
  reserved: boolean;
  language?: string;
}

export interface OrganizationContact {
  organizationNumber: string;
  name?: string;
  emails: string[];
  mobileNumbers: string[];
}

/** A person's own contact point for an organisation, limited to the resources they may access. */
export interface UserContactPoint {
  organizationNumber: string;
  userId: string;
  email?: string;
  mobileNumber?: string;
  resources: string[];
}

export interface ContactRegistry {
  findPersons(nationalIdentityNumbers: string[]): Promise<Map<string, PersonContact>>;
  findOrganizations(organizationNumbers: string[]): Promise<Map<string, OrganizationContact>>;
  findUserContactPoints(organizationNumbers: string[], resourceId: string): Promise<UserContactPoint[]>;
}

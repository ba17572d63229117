/** The people and groups a freshly loaded demo directory holds (one set per demo client). */
export type DemoPerson = { email: string; name: string; department: string; title: string; manager: string | null; licenses: string[] };
export type DemoDataset = {
  clientName: string;
  clientSlug: string;
  domain: string;
  people: DemoPerson[];
  groups: Array<{ name: string; description: string; members: string[] }>;
};

function person(
  domain: string,
  local: string,
  name: string,
  department: string,
  title: string,
  manager: string | null,
  licenses: string[] = ["M365 Business Standard"],
): DemoPerson {
  return { email: `${local}@${domain}`, name, department, title, manager: manager ? `${manager}@${domain}` : null, licenses };
}

const contoso = "contoso-dental.test";
const fabrikam = "fabrikam-legal.test";

export const DEMO_DATASETS: DemoDataset[] = [
  {
    clientName: "Contoso Dental",
    clientSlug: "contoso-dental",
    domain: contoso,
    people: [
      person(contoso, "dana.whitfield", "Dana Whitfield", "Management", "Practice Owner", null, ["M365 Business Premium"]),
      person(contoso, "marcus.lee", "Marcus Lee", "Operations", "Office Manager", "dana.whitfield"),
      person(contoso, "priya.shah", "Priya Shah", "Clinical", "Lead Hygienist", "dana.whitfield"),
      person(contoso, "tom.becker", "Tom Becker", "Front Desk", "Receptionist", "marcus.lee"),
      person(contoso, "ana.gomez", "Ana Gomez", "Billing", "Billing Specialist", "marcus.lee"),
      person(contoso, "liam.oconnor", "Liam O'Connor", "Clinical", "Dental Assistant", "priya.shah"),
      person(contoso, "sara.kim", "Sara Kim", "Clinical", "Hygienist", "priya.shah", []),
    ],
    groups: [
      {
        name: "All Staff",
        description: "Everyone at Contoso Dental",
        members: ["dana.whitfield", "marcus.lee", "priya.shah", "tom.becker", "ana.gomez", "liam.oconnor", "sara.kim"],
      },
      { name: "Front Desk", description: "Shared reception mailbox and scheduling", members: ["tom.becker", "marcus.lee"] },
      { name: "Billing", description: "Access to the billing system", members: ["ana.gomez"] },
      { name: "VPN Users", description: "Remote access to the practice network", members: ["dana.whitfield", "marcus.lee"] },
      { name: "Marketing", description: "The shared marketing drive and newsletter tools", members: [] },
      { name: "Domain Admins", description: "Full control of the practice's directory and servers", members: ["dana.whitfield"] },
    ].map((group) => ({ ...group, members: group.members.map((local) => `${local}@${contoso}`) })),
  },
  {
    clientName: "Fabrikam Legal",
    clientSlug: "fabrikam-legal",
    domain: fabrikam,
    people: [
      person(fabrikam, "helen.ward", "Helen Ward", "Partners", "Managing Partner", null, ["M365 E5"]),
      person(fabrikam, "george.adams", "George Adams", "Litigation", "Senior Associate", "helen.ward", ["M365 E3"]),
      person(fabrikam, "nina.patel", "Nina Patel", "Operations", "Practice Manager", "helen.ward", ["M365 E3"]),
      person(fabrikam, "oscar.reyes", "Oscar Reyes", "Litigation", "Paralegal", "george.adams", ["M365 E3"]),
      person(fabrikam, "julia.novak", "Julia Novak", "Operations", "IT Coordinator", "nina.patel", ["M365 E3"]),
      person(fabrikam, "ben.carter", "Ben Carter", "Litigation", "Trainee Solicitor", "george.adams", []),
    ],
    groups: [
      {
        name: "All Staff",
        description: "Everyone at Fabrikam Legal",
        members: ["helen.ward", "george.adams", "nina.patel", "oscar.reyes", "julia.novak", "ben.carter"],
      },
      { name: "Litigation", description: "Litigation team share and case system", members: ["george.adams", "oscar.reyes", "ben.carter"] },
      { name: "Finance", description: "Client account ledgers", members: ["helen.ward", "nina.patel"] },
      { name: "VPN Users", description: "Remote access", members: ["helen.ward", "george.adams", "julia.novak"] },
    ].map((group) => ({ ...group, members: group.members.map((local) => `${local}@${fabrikam}`) })),
  },
];

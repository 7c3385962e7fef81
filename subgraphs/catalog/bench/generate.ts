import type {
  CredentialRecord,
  CredentialType,
  DeliveryMode,
  Level,
  ProviderKind,
  Sector,
} from '../../../schema/index.js';

/**
 * Realistic synthetic credentials in the common schema, of any number, from a seed: the same seed and index
 * always give the same record. The vocabulary is the stand-ins' (their topics, names, skills, issuers, levels,
 * prices and durations); popularity is skewed as in real catalogs, so that some words match a tenth of the
 * catalog and most far less.
 */

interface Topic {
  sector: Sector;
  subjects: string[];
  skills: string[];
}

const TOPICS: Topic[] = [
  {
    sector: 'TECHNOLOGY',
    subjects: [
      'Cybersecurity',
      'Network Security',
      'Security Operations',
      'Incident Response',
      'Threat Intelligence',
      'Ethical Hacking',
      'Identity and Access Management',
      'Zero Trust Architecture',
      'Applied Cryptography',
    ],
    skills: [
      'Cybersecurity',
      'Network Security',
      'Risk Management',
      'Security Controls',
      'Incident Response',
      'Threat Modeling',
      'Encryption',
      'Security Information And Event Management (SIEM)',
      'Log Analysis',
      'Penetration Testing',
      'Firewalls',
      'Digital Forensics',
    ],
  },
  {
    sector: 'TECHNOLOGY',
    subjects: [
      'Cloud Computing',
      'Cloud Architecture',
      'Cloud Security',
      'Kubernetes',
      'Serverless Development',
      'Cloud DevOps',
      'Infrastructure as Code',
      'Cloud Networking',
      'FinOps',
    ],
    skills: [
      'Cloud Computing',
      'Virtualization',
      'Kubernetes',
      'Docker',
      'Terraform',
      'Continuous Integration',
      'Cloud Migration',
      'Load Balancing',
      'High Availability',
      'Cost Optimization',
      'Observability',
    ],
  },
  {
    sector: 'TECHNOLOGY',
    subjects: [
      'Data Analytics',
      'Data Science',
      'Machine Learning',
      'Data Engineering',
      'Data Visualization',
      'SQL for Data Analysis',
      'Big Data Processing',
      'Applied Statistics',
      'Generative AI',
      'Deep Learning',
      'Natural Language Processing',
    ],
    skills: [
      'Data Analysis',
      'SQL (Programming Language)',
      'Python (Programming Language)',
      'Machine Learning',
      'Statistics',
      'Data Visualization',
      'Tableau (Business Intelligence Software)',
      'Power BI',
      'Apache Spark',
      'Data Modeling',
      'Prompt Engineering',
      'Regression Analysis',
    ],
  },
  {
    sector: 'TECHNOLOGY',
    subjects: [
      'Python Programming',
      'Full-Stack JavaScript',
      'Secure Software Development',
      'API Design',
      'Test Automation',
      'Java Development',
      'Software Architecture',
      'Mobile App Development',
      'Git and Continuous Integration',
    ],
    skills: [
      'Python (Programming Language)',
      'JavaScript (Programming Language)',
      'TypeScript',
      'React.js',
      'RESTful API',
      'GraphQL',
      'Unit Testing',
      'Git',
      'Java (Programming Language)',
      'Microservices',
      'Secure Coding',
      'Debugging',
    ],
  },
  {
    sector: 'HEALTHCARE',
    subjects: [
      'Patient Care',
      'Phlebotomy',
      'Basic Life Support',
      'Patient Safety',
      'Infection Prevention and Control',
      'Dementia Care',
      'Home Health Aide',
      'Sterile Processing',
      'Electrocardiogram (EKG)',
      'Nursing Assistant',
      'Medical Terminology',
    ],
    skills: [
      'Patient Care',
      'Phlebotomy',
      'Venipuncture',
      'Infection Control',
      'Vital Signs',
      'Cardiopulmonary Resuscitation (CPR)',
      'Patient Safety',
      'Medical Terminology',
      'Electrocardiography',
      'Hand Hygiene',
      'Nursing',
    ],
  },
  {
    sector: 'HEALTHCARE',
    subjects: [
      'Health Informatics',
      'Medical Coding',
      'Electronic Health Records',
      'Health Data Interoperability',
      'Healthcare Data Privacy',
      'Clinical Documentation',
      'Public Health',
    ],
    skills: [
      'ICD-10',
      'Medical Coding',
      'Health Information Management',
      'Electronic Health Records',
      'HL7 FHIR',
      'HIPAA Compliance',
      'Clinical Documentation',
      'Epidemiology',
    ],
  },
  {
    sector: 'ADVANCED_MANUFACTURING',
    subjects: [
      'CNC Machining',
      'Welding',
      'Welding Inspection',
      'Industrial Robotics',
      'Quality Control',
      'Lean Manufacturing',
      'Additive Manufacturing',
      'Industrial Maintenance',
      'Programmable Logic Controllers',
    ],
    skills: [
      'CNC Programming',
      'Blueprint Reading',
      'Welding',
      'Quality Control',
      'Lean Six Sigma',
      'Robotics',
      'Preventive Maintenance',
      'Programmable Logic Controllers (PLC)',
      'Metrology',
      '3D Printing',
      'Safety Procedures',
    ],
  },
  {
    sector: 'BUSINESS',
    subjects: [
      'Project Management',
      'Agile Scrum',
      'Leadership',
      'Digital Marketing',
      'Business Analysis',
      'Supply Chain Management',
      'Human Resources',
      'Customer Service',
      'Entrepreneurship',
    ],
    skills: [
      'Project Management',
      'Scrum',
      'Agile Methodology',
      'Leadership',
      'Stakeholder Management',
      'Search Engine Optimization (SEO)',
      'Business Analysis',
      'Negotiation',
      'Communication',
      'Budgeting',
      'Teamwork',
    ],
  },
  {
    sector: 'FINANCE',
    subjects: [
      'Financial Accounting',
      'Financial Analysis',
      'Bookkeeping',
      'Risk and Compliance',
      'Investment Fundamentals',
      'Anti-Money Laundering',
    ],
    skills: [
      'Accounting',
      'Financial Modeling',
      'Bookkeeping',
      'Excel',
      'Compliance Management',
      'Risk Assessment',
      'Financial Reporting',
      'Auditing',
    ],
  },
  {
    sector: 'EDUCATION',
    subjects: [
      'Instructional Design',
      'Online Teaching',
      'Classroom Management',
      'Early Childhood Education',
      'Special Education',
    ],
    skills: [
      'Instructional Design',
      'Curriculum Development',
      'E-Learning',
      'Classroom Management',
      'Assessment Design',
      'Child Development',
    ],
  },
  {
    sector: 'ENERGY',
    subjects: [
      'Solar Installation',
      'Electrical Safety',
      'Wind Turbine Technology',
      'Energy Auditing',
      'Battery Storage Systems',
    ],
    skills: [
      'Photovoltaic Systems',
      'Electrical Wiring',
      'Energy Efficiency',
      'Safety Procedures',
      'Troubleshooting',
    ],
  },
  {
    sector: 'CONSTRUCTION',
    subjects: [
      'Construction Safety',
      'Building Information Modeling',
      'Carpentry',
      'HVAC Technology',
      'Plumbing',
    ],
    skills: [
      'OSHA Safety',
      'Blueprint Reading',
      'Building Information Modeling (BIM)',
      'HVAC',
      'Carpentry',
      'Estimating',
    ],
  },
  {
    sector: 'LOGISTICS',
    subjects: ['Warehouse Operations', 'Forklift Operation', 'Logistics Management', 'Commercial Driving'],
    skills: [
      'Inventory Management',
      'Forklift Operation',
      'Logistics',
      'Shipping and Receiving',
      'Route Planning',
    ],
  },
  {
    sector: 'HOSPITALITY',
    subjects: ['Food Safety', 'Hospitality Management', 'Culinary Arts'],
    skills: ['Food Safety', 'Customer Service', 'Culinary Skills', 'Event Planning'],
  },
];

const PREFIXES = [
  '',
  '',
  '',
  'Introduction to',
  'Foundations of',
  'Advanced',
  'Applied',
  'Essentials of',
  'Professional',
  'Practical',
];
const SUFFIXES = [
  '',
  '',
  'Fundamentals',
  'Associate',
  'Professional',
  'Specialist',
  'Technician',
  'Practitioner',
  'Analyst',
  'Certificate',
  'Bootcamp',
  'Essentials',
  'Expert',
  'Engineer',
];
const EDITIONS = [
  '',
  '',
  '',
  '',
  ' II',
  ' III',
  ' (2024 Edition)',
  ' (2025 Edition)',
  ' for Beginners',
  ' for Managers',
];
const PLACES = [
  'Northbridge',
  'Lakeshore',
  'Cascadia',
  'Meridian',
  'Halvorsen',
  'Strata',
  'Ironworks',
  'Keystone',
  'Granite State',
  'Sentinel',
  'Stratus',
  'Great Lakes',
  'Forge Point',
  'Pacific',
  'Summit',
  'Riverbend',
  'Harbor',
  'Prairie',
  'Bluewater',
  'Evergreen',
  'Redwood',
  'Silverline',
  'Aurora',
  'Crescent',
  'Cedar Valley',
];
const INSTITUTIONS = [
  'University',
  'Institute of Technology',
  'Community College',
  'Academy',
  'Skills Consortium',
  'Health Sciences College',
  'Polytechnic',
  'Training Center',
  'Professional Association',
  'Learning Alliance',
];
const DESCRIPTION_OPENINGS = [
  'Earners of this credential',
  'Learners who complete this program',
  'Holders of this badge',
  'Graduates of this course',
  'Candidates who pass this assessment',
];
const DESCRIPTION_VERBS = ['demonstrate', 'can apply', 'understand', 'have practiced', 'are able to explain'];
const DESCRIPTION_CLOSINGS = [
  'through hands-on labs and a final project.',
  'and are prepared for entry-level roles in the field.',
  'as assessed by a proctored exam.',
  'in real workplace scenarios reviewed by an instructor.',
  'with guided practice and peer review.',
];

interface ProviderSpec {
  id: string;
  kind: ProviderKind;
  idKind: string;
  types: CredentialType[];
  languages: string[][];
}

const PROVIDERS: ProviderSpec[] = [
  {
    id: 'credly',
    kind: 'BADGE_PLATFORM',
    idKind: 'template',
    types: ['BADGE', 'CERTIFICATION', 'MICRO_CREDENTIAL'],
    languages: [['en']],
  },
  {
    id: 'coursera',
    kind: 'COURSE_CATALOG',
    idKind: 'course',
    types: ['COURSE', 'CERTIFICATE_OF_COMPLETION', 'LEARNING_PROGRAM'],
    languages: [['en'], ['en'], ['es'], ['fr']],
  },
  {
    id: 'edx',
    kind: 'COURSE_CATALOG',
    idKind: 'course',
    types: ['COURSE', 'CERTIFICATE', 'LEARNING_PROGRAM'],
    languages: [['en'], ['en'], ['es']],
  },
  {
    id: 'badgr',
    kind: 'OPEN_BADGES_ISSUER',
    idKind: 'badgeclass',
    types: ['OPEN_BADGE', 'BADGE'],
    languages: [['en']],
  },
  {
    id: 'openbadges',
    kind: 'OPEN_BADGES_ISSUER',
    idKind: 'achievement',
    types: ['OPEN_BADGE', 'MICRO_CREDENTIAL', 'COMPETENCY'],
    languages: [['en'], ['de']],
  },
  {
    id: 'registry',
    kind: 'CREDENTIAL_REGISTRY',
    idKind: 'ctid',
    types: ['CERTIFICATION', 'CERTIFICATE', 'LICENSE', 'DEGREE', 'APPRENTICESHIP_CERTIFICATE', 'DIPLOMA'],
    languages: [['en']],
  },
];
const LEVELS: Array<Level | null> = [
  'INTRODUCTORY',
  'INTRODUCTORY',
  'INTERMEDIATE',
  'INTERMEDIATE',
  'ADVANCED',
  'EXPERT',
  null,
];
const MODES: Array<DeliveryMode | null> = ['ONLINE', 'ONLINE', 'ONLINE', 'IN_PERSON', 'BLENDED', null];
const CURRENCIES = ['USD', 'USD', 'USD', 'USD', 'EUR', 'GBP', 'CAD', 'INR'];

/** mulberry32: a small, fast PRNG whose whole state is one 32-bit number. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An index in [0, n) skewed toward 0: a few values are common and most are rare. */
const skewed = (next: () => number, n: number, power = 2) => Math.floor(next() ** power * n);
const pick = <T>(next: () => number, values: readonly T[]) => values[Math.floor(next() * values.length)]!;

/** How many distinct issuers a catalog of `size` credentials has (about one per 40 credentials). */
const issuerCount = (size: number) => Math.max(10, Math.floor(size / 40));

/** The credential at `index` of the synthetic catalog of `size` credentials seeded with `seed`. */
export function syntheticCredential(seed: number, size: number, index: number): CredentialRecord {
  const next = random(seed * 2_654_435_761 + index * 40_503 + 1);
  const provider = PROVIDERS[index % PROVIDERS.length]!;
  const topic = TOPICS[skewed(next, TOPICS.length, 1.6)]!;
  const subject = topic.subjects[skewed(next, topic.subjects.length, 1.5)]!;
  const prefix = pick(next, PREFIXES);
  const suffix = pick(next, SUFFIXES);
  const name = `${prefix ? `${prefix} ` : ''}${subject}${suffix ? ` ${suffix}` : ''}${pick(next, EDITIONS)}`;
  const issuerIndex = skewed(next, issuerCount(size), 1.8);
  const issuerName = `${PLACES[issuerIndex % PLACES.length]} ${INSTITUTIONS[Math.floor(issuerIndex / PLACES.length) % INSTITUTIONS.length]}${issuerIndex >= PLACES.length * INSTITUTIONS.length ? ` ${Math.floor(issuerIndex / (PLACES.length * INSTITUTIONS.length)) + 1}` : ''}`;
  const skillCount = 2 + Math.floor(next() * 5);
  const skills = new Set<string>();
  for (let i = 0; i < skillCount; i++) skills.add(topic.skills[skewed(next, topic.skills.length, 1.4)]!);
  const skillList = [...skills];
  const description = `${pick(next, DESCRIPTION_OPENINGS)} ${pick(next, DESCRIPTION_VERBS)} ${skillList
    .slice(0, 3)
    .map((skill) => skill.toLowerCase())
    .join(
      ', ',
    )} in ${subject.toLowerCase()} ${pick(next, DESCRIPTION_CLOSINGS)} The ${suffix ? suffix.toLowerCase() : 'program'} is offered by ${issuerName}.`;
  const sectors: Sector[] = next() < 0.15 ? [topic.sector, pick(next, TOPICS).sector] : [topic.sector];
  const priced = next();
  const cost =
    priced < 0.2
      ? null
      : priced < 0.38
        ? { amount: 0, currency: 'USD' }
        : { amount: Math.round(10 + next() ** 2 * 2500), currency: pick(next, CURRENCIES) };
  const hours = next() < 0.12 ? null : Math.max(1, Math.round(next() ** 2 * 300));
  const upstreamId = `${(index + 1).toString(36).padStart(6, '0')}-${Math.floor(next() * 1e9).toString(36)}`;
  const updated = Date.UTC(2023, 0, 1) + Math.floor(next() * 1400) * 86_400_000;
  const issuerId = `${provider.id}:org:${issuerIndex}`;
  return {
    id: `${provider.id}:${provider.idKind}:${upstreamId}`,
    name,
    description,
    credentialType: pick(next, provider.types),
    sourceTypes: [provider.kind],
    issuer: { id: issuerId, name: issuerName, url: null, verified: issuerIndex % 3 !== 0 },
    provider: provider.id,
    url: `https://${provider.id}.example/credentials/${upstreamId}`,
    image: null,
    skills: skillList.map((label) => ({ label, framework: 'PROVIDER' as const, code: null, url: null })),
    sectors: [...new Set(sectors)],
    level: pick(next, LEVELS),
    estimatedDuration: hours === null ? null : `PT${hours}H`,
    cost,
    deliveryMode: pick(next, MODES),
    languages: pick(next, provider.languages),
    updatedAt: new Date(updated).toISOString(),
    provenance: { provider: provider.id, upstreamId, url: null, fetchedAt: '2026-11-01T00:00:00.000Z' },
  };
}

/** The synthetic catalog in batches of `batchSize`, generated lazily so that a million records never sit in memory. */
export function* syntheticCatalog(
  seed: number,
  size: number,
  batchSize = 1000,
): Generator<CredentialRecord[]> {
  for (let start = 0; start < size; start += batchSize) {
    const batch: CredentialRecord[] = [];
    for (let index = start; index < Math.min(size, start + batchSize); index++) {
      batch.push(syntheticCredential(seed, size, index));
    }
    yield batch;
  }
}

export const SYNTHETIC_PROVIDERS = PROVIDERS.map(({ id, kind }) => ({ id, kind }));

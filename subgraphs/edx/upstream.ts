/**
 * edX Course Discovery API v1 (`openedx/course-discovery`, Django REST Framework), as it answers: the raw
 * shapes, with no interpretation. Fields the serializers may leave out or null are optional or nullable here,
 * even where the stand-in always fills them.
 */

/** DRF page-number pagination: `next`/`previous` are absolute URLs, null at either end. */
export interface DrfPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** DRF's error body for 401, 403, 404, 405 and 429 (`{"detail": "Not found."}`). */
export interface DrfErrorBody {
  detail: string;
}

/** An organization as nested in `owners` and `authoring_organizations`. */
export interface EdxOrganization {
  uuid: string;
  /** The short key course keys start with, e.g. `MITx`. */
  key: string;
  name: string;
  logo_image_url?: string | null;
  marketing_url?: string | null;
}

export interface EdxSubject {
  name: string;
  /** `computer-science`, `medicine`, `engineering`, … */
  slug: string;
}

/** A skill from edX's taxonomy service; the API gives a name and a description, no id or framework. */
export interface EdxSkill {
  name: string;
  description?: string | null;
}

/** A way to enrol in a run. `price` is a decimal string (`"49.00"`). */
export interface EdxSeat {
  /** `audit`, `verified`, `professional`, `no-id-professional`, `credit`, `honor`, … */
  type: string;
  price: string;
  currency: string;
  upgrade_deadline?: string | null;
  sku?: string | null;
}

export interface EdxCourseRun {
  /** `course-v1:<org>+<number>+<run>`. */
  key: string;
  uuid?: string;
  title?: string;
  start: string | null;
  end: string | null;
  /** `self_paced` or `instructor_paced`. */
  pacing_type: string | null;
  seats: EdxSeat[];
  weeks_to_complete: number | null;
  /** Hours per week, lower and upper estimate. */
  min_effort: number | null;
  max_effort: number | null;
  /** Total hours, when the course team states it. */
  estimated_hours: number | null;
  /** A language code as edX writes it: `en-us`, `es-419`. */
  content_language: string | null;
  /** `Current`, `Starting Soon`, `Upcoming` or `Archived`. */
  availability: string | null;
  status?: string;
  /** The course key; present in `course_runs/` answers, absent where runs are nested in their course. */
  course?: string;
}

/** A course-level purchase of a certificate mode, valid for any run. */
export interface EdxEntitlement {
  mode: string;
  price: string;
  currency: string;
  sku: string | null;
  expires?: string | null;
}

/** A program as nested in a course's `programs` (Discovery's `NestedProgramSerializer`). */
export interface EdxNestedProgram {
  uuid: string;
  title: string;
  type: string;
  marketing_slug?: string | null;
  marketing_url?: string | null;
  number_of_courses?: number;
}

export interface EdxImage {
  src: string | null;
  description?: string | null;
  height?: number | null;
  width?: number | null;
}

/** `courses/` and `courses/{key}/` (Discovery's `CourseWithProgramsSerializer`). */
export interface EdxCourse {
  /** `<org>+<number>`, e.g. `HarvardX+CS50`: the course, across its runs. */
  key: string;
  uuid: string;
  title: string;
  /** Often plain text, sometimes wrapped in `<p>`. */
  short_description: string | null;
  /** HTML. */
  full_description: string | null;
  owners: EdxOrganization[];
  image?: EdxImage | null;
  /** `Introductory`, `Intermediate` or `Advanced`; null when the course team did not say. */
  level_type: string | null;
  subjects: EdxSubject[];
  skill_names?: string[];
  skills?: EdxSkill[];
  prerequisites?: Array<{ name: string }>;
  course_runs: EdxCourseRun[];
  entitlements: EdxEntitlement[];
  /** The programs the course belongs to, deleted ones left out. */
  programs?: EdxNestedProgram[];
  marketing_url: string | null;
  modified: string;
}

/** A course as nested in a program's `courses`, in the program's order. */
export interface EdxProgramCourse {
  key: string;
  uuid: string;
  title: string;
}

/** The price of a program's courses in one currency: cheapest course, dearest course and all of them. */
export interface EdxPriceRange {
  currency: string;
  min: number;
  max: number;
  total: number;
}

/** `programs/` and `programs/{uuid}/`. */
export interface EdxProgram {
  uuid: string;
  title: string;
  subtitle?: string | null;
  /** `MicroMasters`, `Professional Certificate`, `XSeries`, `MicroBachelors`, … */
  type: string;
  /** `active`, `retired`, `unpublished` or `deleted`. */
  status: string;
  marketing_slug?: string | null;
  marketing_url: string | null;
  card_image_url?: string | null;
  authoring_organizations: EdxOrganization[];
  courses: EdxProgramCourse[];
  weeks_to_complete: number | null;
  min_hours_effort_per_week: number | null;
  max_hours_effort_per_week: number | null;
  price_ranges: EdxPriceRange[];
  credit_value?: number | null;
  subjects: EdxSubject[];
  skills?: EdxSkill[];
  modified: string;
}

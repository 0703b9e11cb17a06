import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

export interface SurveyAnswer {
  survey: string;
  question: string;
  answer: string;
  sipCallId: string | null;
  caller: string | null;
}

/** Answers keyed in IVR surveys (B7), one row per question answered. */
export class SurveyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(tenantId: string, answers: SurveyAnswer[]): Promise<void> {
    if (answers.length === 0) return;
    await this.db
      .insertInto('surveyAnswers')
      .values(answers.map((a) => ({ tenantId, ...a })))
      .execute();
  }

  async answers(tenantId: string, survey: string): Promise<SurveyAnswer[]> {
    return this.db
      .selectFrom('surveyAnswers')
      .select(['survey', 'question', 'answer', 'sipCallId', 'caller'])
      .where('tenantId', '=', tenantId)
      .where('survey', '=', survey)
      .orderBy('id')
      .execute();
  }
}

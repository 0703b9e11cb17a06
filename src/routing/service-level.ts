/**
 * A queue's service level over a sliding window (default 15 minutes): answered within the
 * threshold ÷ (answered + abandoned after the threshold) × 100. Abandons within the threshold
 * count on neither side: the caller gave up before the queue could have failed them.
 */
interface Outcome {
  at: number;
  answered: boolean;
  withinThreshold: boolean;
}

export interface ServiceLevelFigures {
  /** Null until something has been answered or abandoned late in the window. */
  percent: number | null;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
}

export class ServiceLevelWindow {
  #outcomes: Outcome[] = [];
  #head = 0;

  constructor(private readonly windowMs: number) {}

  answered(at: number, waitedMs: number, thresholdMs: number): void {
    this.#trim(at);
    this.#outcomes.push({ at, answered: true, withinThreshold: waitedMs <= thresholdMs });
  }

  abandoned(at: number, waitedMs: number, thresholdMs: number): void {
    this.#trim(at);
    this.#outcomes.push({ at, answered: false, withinThreshold: waitedMs <= thresholdMs });
  }

  figures(now: number): ServiceLevelFigures {
    this.#trim(now);
    let answered = 0;
    let within = 0;
    let abandoned = 0;
    let lateAbandons = 0;
    for (let index = this.#head; index < this.#outcomes.length; index++) {
      const outcome = this.#outcomes[index]!;
      if (outcome.answered) {
        answered++;
        if (outcome.withinThreshold) within++;
      } else {
        abandoned++;
        if (!outcome.withinThreshold) lateAbandons++;
      }
    }
    const counted = answered + lateAbandons;
    return { percent: counted === 0 ? null : (within * 100) / counted, answered, answeredWithinThreshold: within, abandoned };
  }

  #trim(now: number): void {
    while (this.#head < this.#outcomes.length && this.#outcomes[this.#head]!.at <= now - this.windowMs) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#outcomes.length) {
      this.#outcomes = this.#outcomes.slice(this.#head);
      this.#head = 0;
    }
  }
}

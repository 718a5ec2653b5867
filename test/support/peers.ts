import { expect, inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The majors of the hooks' peers a vitest project runs on (vite.config.ts provides them). */
    peers: { react: number; preact: number }
  }
}

/**
 * `Framework x.y.z`, for a suite's name, once `version` is checked to be of the major the project
 * asks for: a resolution gone wrong must not pass for the other version.
 */
export function peerName(framework: 'react' | 'preact', version: string): string {
  expect(Number(version.split('.')[0]), `the ${framework} this project runs on`).toBe(
    inject('peers')[framework],
  )
  return `${framework === 'react' ? 'React' : 'Preact'} ${version}`
}

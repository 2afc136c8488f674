import { Controller, Get, Param, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { lastValueFrom, of } from 'rxjs';
import {
  Created,
  isVersionedRepresentation,
  ResponseHeadersInterceptor,
  VersionedRepresentation,
} from './response-headers.js';

@VersionedRepresentation()
class ThingResponse {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  version!: number;
}

class PlainResponse {
  @ApiProperty()
  version!: number;
}

@Controller('things')
class ThingsController {
  @Post(':key/parts')
  @Created(ThingResponse, '/api/v1/things/{key}/parts/{id}')
  create(@Param('key') _key: string): ThingResponse {
    return { id: 'a b', version: 1 };
  }

  @Get(':id')
  @ApiOkResponse({ type: ThingResponse })
  get(): ThingResponse {
    return { id: 'x', version: 4 };
  }

  @Get()
  @ApiOkResponse({ type: PlainResponse })
  plain(): PlainResponse {
    return { version: 9 };
  }
}

/** Runs the interceptor around `handler` and returns the headers it set on the reply. */
async function headersFor(handler: keyof ThingsController, body: unknown, params: Record<string, string> = {}) {
  const headers: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => ((headers[name] = value), reply) };
  const context = {
    getHandler: () => ThingsController.prototype[handler],
    getClass: () => ThingsController,
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ params }) }),
  };
  const interceptor = new ResponseHeadersInterceptor(new Reflector());
  const out = await lastValueFrom(interceptor.intercept(context as never, { handle: () => of(body) }));
  expect(out).toBe(body);
  return headers;
}

describe('response headers declared on routes', () => {
  it('marks versioned representations by their schema name', () => {
    expect(isVersionedRepresentation('ThingResponse')).toBe(true);
    expect(isVersionedRepresentation('PlainResponse')).toBe(false);
  });

  it('sets ETag "v<version>" on a route whose declared response is a versioned representation', async () => {
    expect(await headersFor('get', { id: 'x', version: 4 })).toEqual({ etag: '"v4"' });
  });

  it('sets no ETag for other representations, even with a version field', async () => {
    expect(await headersFor('plain', { version: 9 })).toEqual({});
  });

  it('fills Location from the body, then the route parameters, encoded', async () => {
    expect(await headersFor('create', { id: 'a b', version: 1 }, { key: 'text-line' })).toEqual({
      etag: '"v1"',
      location: '/api/v1/things/text-line/parts/a%20b',
    });
  });

  it('refuses to guess a Location it has no value for', async () => {
    await expect(headersFor('create', { version: 1 }, {})).rejects.toThrow(/no value for key/);
  });
});
